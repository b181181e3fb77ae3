// JSON text without allocation (see json_text.hpp).
#include "json_text.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "pure.hpp"

namespace autopilot {

// ---- JsonWriter ----------------------------------------------------------------------------------

void JsonWriter::separator() noexcept
{
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (depth_ > 0) {
        if (!first_[depth_ - 1])
            put(',');
        first_[depth_ - 1] = false;
    }
}

void JsonWriter::open(char c) noexcept
{
    separator();
    put(c);
    if (depth_ >= kMaxDepth) {
        overflow_ = true;  // deeper than we track: treated like running out of room
        return;
    }
    first_[depth_++] = true;
}

void JsonWriter::close(char c) noexcept
{
    if (depth_ > 0)
        depth_--;
    put(c);
}

void JsonWriter::key(std::string_view name) noexcept
{
    separator();
    put('"');
    put(name);
    put("\":");
    after_key_ = true;
}

// Runs of characters that need no escaping are copied whole: samples are written inside the
// executor, and a byte-by-byte writer was a measurable share of a sampled point query.
void JsonWriter::escaped(std::string_view s) noexcept
{
    put('"');
    size_t run = 0;
    // Characters JSON requires escaped: controls, the quote and the backslash.
    static constexpr auto kEscape = [] {
        std::array<bool, 256> t{};
        for (int c = 0; c < 0x20; c++)
            t[c] = true;
        t['"'] = t['\\'] = true;
        return t;
    }();
    for (size_t i = 0; i < s.size(); i++) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (!kEscape[c])
            continue;
        put(s.substr(run, i - run));
        run = i + 1;
        switch (c) {
        case '"':
            put("\\\"");
            break;
        case '\\':
            put("\\\\");
            break;
        case '\n':
            put("\\n");
            break;
        case '\r':
            put("\\r");
            break;
        case '\t':
            put("\\t");
            break;
        default: {
            char u[8];
            std::snprintf(u, sizeof u, "\\u%04x", c);
            put(u);
        }
        }
    }
    put(s.substr(run));
    put('"');
}

void JsonWriter::string(std::string_view value) noexcept
{
    separator();
    escaped(value);
}

namespace {

// The decimal digits of v, written backwards so that they end at `end`; returns the first.
char *digits_backwards(uint64_t v, char *end) noexcept
{
    do {
        *--end = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    return end;
}

// Powers of ten that doubles hold exactly.
constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                             1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// round(|value| * 10^power) as printf would round the decimal expansion: nearest, a product that
// rounded onto a half resolved by the multiplication's exact error, true halves to even.
// power in [0, 22] (exact powers of ten). Negative when the result would not be exact (>= 2^53).
double scaled_units(double value, int power) noexcept
{
    const double p = kPow10[power];
    const double product = std::fabs(value) * p;
    if (!(product < 9007199254740992.0))
        return -1;
    double units = std::nearbyint(product);
    if (std::fabs(product - std::trunc(product) - 0.5) == 0) {
        const double error = std::fma(std::fabs(value), p, -product);
        if (error > 0)
            units = std::ceil(product);
        else if (error < 0)
            units = std::floor(product);
    }
    return units;
}

// printf("%.*f", decimals, value) without printf (a sampled statement writes dozens of numbers):
// the value scaled, rounded half to even, split into integer and fraction digits. The text may
// differ from printf's in the last digit in rare cases where the scaled value's rounding crosses a
// half. Returns the length written to out (>= 48 bytes), or 0 when the value is out of the
// exactly representable range (the caller then falls back to printf).
size_t format_fixed(double value, int decimals, char *out) noexcept
{
    if (decimals < 0 || decimals > 10)
        return 0;
    const double scaled = scaled_units(value, decimals);
    if (scaled < 0)
        return 0;
    const auto units = static_cast<uint64_t>(scaled);
    const auto pow = static_cast<uint64_t>(kPow10[decimals]);
    char buf[48];
    char *end = buf + sizeof buf;
    char *p = end;
    if (decimals > 0) {
        uint64_t frac = units % pow;
        for (int i = 0; i < decimals; i++) {
            *--p = static_cast<char>('0' + frac % 10);
            frac /= 10;
        }
        *--p = '.';
    }
    p = digits_backwards(units / pow, p);
    if (std::signbit(value))
        *--p = '-';
    const auto len = static_cast<size_t>(end - p);
    std::memcpy(out, p, len);
    return len;
}

// printf("%.6g", value) without printf: six significant digits, trailing zeros dropped, fixed
// notation for decimal exponents -4..5, else d.ddddde[+-]XX. 0 when out of the handled range
// (|value| < 1e-17 or >= 1e17: the caller falls back to printf).
size_t format_general6(double value, char *out) noexcept
{
    const double a = std::fabs(value);
    if (a == 0) {
        out[0] = '0';
        return 1;
    }
    if (!(a >= 1e-17 && a < 1e17))
        return 0;
    int exponent = static_cast<int>(std::floor(std::log10(a)));
    // Six significant digits as an integer in [1e5, 1e6); log10 may be off by one near powers of
    // ten, and rounding may carry into a seventh digit (9.999995 -> 10.0000): adjust the exponent.
    double units = 0;
    for (int attempt = 0; attempt < 3; attempt++) {
        const int power = 5 - exponent;
        if (power < 0) {  // a >= 1e6: divide exactly instead
            const double p = std::pow(10.0, -power);
            units = std::nearbyint(a / p);
        } else if (power > 22) {
            return 0;
        } else {
            units = scaled_units(a, power);
        }
        if (units >= 1e6)
            exponent++;
        else if (units < 1e5)
            exponent--;
        else
            break;
    }
    if (!(units >= 1e5 && units < 1e6))
        return 0;
    char digits[6];
    auto u = static_cast<uint64_t>(units);
    for (int i = 5; i >= 0; i--) {
        digits[i] = static_cast<char>('0' + u % 10);
        u /= 10;
    }
    int kept = 6;  // significant digits without trailing zeros
    while (kept > 1 && digits[kept - 1] == '0')
        kept--;
    size_t len = 0;
    if (std::signbit(value))
        out[len++] = '-';
    if (exponent >= -4 && exponent < 6) {
        if (exponent < 0) {
            out[len++] = '0';
            out[len++] = '.';
            for (int i = 0; i < -exponent - 1; i++)
                out[len++] = '0';
            for (int i = 0; i < kept; i++)
                out[len++] = digits[i];
        } else {
            for (int i = 0; i <= exponent; i++)
                out[len++] = digits[i];
            if (kept > exponent + 1) {
                out[len++] = '.';
                for (int i = exponent + 1; i < kept; i++)
                    out[len++] = digits[i];
            }
        }
        return len;
    }
    out[len++] = digits[0];
    if (kept > 1) {
        out[len++] = '.';
        for (int i = 1; i < kept; i++)
            out[len++] = digits[i];
    }
    out[len++] = 'e';
    out[len++] = exponent < 0 ? '-' : '+';
    const int e = exponent < 0 ? -exponent : exponent;
    if (e >= 100)
        out[len++] = static_cast<char>('0' + e / 100);
    out[len++] = static_cast<char>('0' + e / 10 % 10);
    out[len++] = static_cast<char>('0' + e % 10);
    return len;
}

}  // namespace

void JsonWriter::number(double value, int decimals) noexcept
{
    if (!std::isfinite(value)) {
        null();
        return;
    }
    separator();
    char b[352];  // DBL_MAX has 309 integer digits
    size_t len = format_fixed(value, decimals, b);
    if (len == 0)
        len = static_cast<size_t>(std::snprintf(b, sizeof b, "%.*f", std::min(decimals, 20), value));
    put(std::string_view(b, std::min(len, sizeof b - 1)));
}

void JsonWriter::real(double value) noexcept
{
    if (!std::isfinite(value)) {
        null();
        return;
    }
    separator();
    char b[64];
    size_t len = format_general6(value, b);
    if (len == 0)
        len = static_cast<size_t>(std::snprintf(b, sizeof b, "%.6g", value));
    put(std::string_view(b, std::min(len, sizeof b - 1)));
}

void JsonWriter::integer(int64_t value) noexcept
{
    separator();
    char b[24];
    char *end = b + sizeof b;
    const uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
    char *p = digits_backwards(magnitude, end);
    if (value < 0)
        *--p = '-';
    put(std::string_view(p, static_cast<size_t>(end - p)));
}

void JsonWriter::boolean(bool value) noexcept
{
    separator();
    put(value ? "true" : "false");
}

void JsonWriter::null() noexcept
{
    separator();
    put("null");
}

void JsonWriter::rollback(const Mark &m) noexcept
{
    len_ = m.len;
    depth_ = m.depth;
    if (depth_ > 0 && depth_ <= kMaxDepth)
        first_[depth_ - 1] = m.first;
    after_key_ = false;
    overflow_ = false;
}

// ---- compaction ----------------------------------------------------------------------------------

size_t compact_json(std::string_view in, char *out) noexcept
{
    size_t o = 0;
    bool in_string = false, escape = false;
    for (char c : in) {
        if (in_string) {
            out[o++] = c;
            if (escape)
                escape = false;
            else if (c == '\\')
                escape = true;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
            out[o++] = c;
        } else if (c != ' ' && c != '\n' && c != '\t' && c != '\r') {
            out[o++] = c;
        }
    }
    return o;
}

// ---- plan pruning --------------------------------------------------------------------------------

namespace {

// Recursive descent over compact JSON. With out == nullptr it only measures the plan depth; otherwise
// it writes at most `capacity` bytes and counts the rest, so the caller learns the full length.
class PlanWalker {
public:
    PlanWalker(std::string_view in, int max_depth, char *out, size_t capacity) noexcept
        : in_(in), out_(out), cap_(capacity), max_(max_depth)
    {
    }

    void value(int depth)
    {
        if (i_ >= in_.size())
            return;
        switch (in_[i_]) {
        case '{':
            object(depth);
            break;
        case '[':
            array(depth);
            break;
        case '"':
            copy_string();
            break;
        default:
            while (i_ < in_.size() && in_[i_] != ',' && in_[i_] != '}' && in_[i_] != ']')
                emit(in_[i_++]);
        }
    }

    size_t written() const noexcept { return o_; }
    int deepest() const noexcept { return deepest_; }

private:
    void emit(char c) noexcept
    {
        if (!out_)
            return;
        if (o_ < cap_)
            out_[o_] = c;
        o_++;
    }

    // Returns the key's text without quotes.
    std::string_view copy_string(bool write = true) noexcept
    {
        const size_t start = i_;
        if (write)
            emit(in_[i_]);
        i_++;
        bool escape = false;
        while (i_ < in_.size()) {
            const char c = in_[i_++];
            if (write)
                emit(c);
            if (escape)
                escape = false;
            else if (c == '\\')
                escape = true;
            else if (c == '"')
                break;
        }
        return in_.substr(start + 1, i_ - start - 2);
    }

    void skip_value() noexcept
    {
        int nesting = 0;
        while (i_ < in_.size()) {
            const char c = in_[i_];
            if (c == '"') {
                copy_string(false);
                if (nesting == 0)
                    return;
                continue;
            }
            if (c == '{' || c == '[')
                nesting++;
            else if (c == '}' || c == ']') {
                if (nesting == 0)
                    return;
                if (--nesting == 0) {
                    i_++;
                    return;
                }
            } else if (c == ',' && nesting == 0)
                return;
            i_++;
        }
    }

    void object(int depth)
    {
        if (depth > deepest_)
            deepest_ = depth;
        emit('{');
        i_++;
        bool first = true;
        while (i_ < in_.size() && in_[i_] != '}') {
            if (in_[i_] == ',') {
                i_++;
                continue;
            }
            const size_t key_start = o_;
            if (!first)
                emit(',');
            const std::string_view k = copy_string();
            i_++;  // ':'
            const bool plans = k == "Plans";
            if (plans && out_ && depth >= max_) {
                o_ = key_start;  // drop the key (and its comma) and the children
                skip_value();
                continue;
            }
            emit(':');
            value(plans ? depth + 1 : depth);
            first = false;
        }
        emit('}');
        i_++;
    }

    // Elements of a "Plans" array are at the depth passed in; other arrays keep the enclosing one.
    void array(int depth)
    {
        emit('[');
        i_++;
        bool first = true;
        while (i_ < in_.size() && in_[i_] != ']') {
            if (in_[i_] == ',') {
                i_++;
                continue;
            }
            if (!first)
                emit(',');
            value(depth);
            first = false;
        }
        emit(']');
        i_++;
    }

    std::string_view in_;
    char *out_;
    size_t cap_;
    int max_;
    size_t i_ = 0;
    size_t o_ = 0;
    int deepest_ = 0;
};

}  // namespace

int plan_depth(std::string_view plan) noexcept
{
    PlanWalker w(plan, 0, nullptr, 0);
    w.value(0);
    return w.deepest();
}

size_t prune_plans(std::string_view plan, int max_depth, char *out, size_t capacity) noexcept
{
    PlanWalker w(plan, max_depth, out, capacity);
    w.value(0);
    return w.written();
}

}  // namespace autopilot
