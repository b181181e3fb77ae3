// JSON text without allocation (see json_text.hpp).
#include "json_text.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "pure.hpp"

namespace autopilot {

// ---- JsonWriter ----------------------------------------------------------------------------------

void JsonWriter::put(char c) noexcept
{
    if (overflow_ || len_ + 1 > cap_) {
        overflow_ = true;
        return;
    }
    buf_[len_++] = c;
}

void JsonWriter::put(std::string_view s) noexcept
{
    if (overflow_ || len_ + s.size() > cap_) {
        overflow_ = true;
        return;
    }
    std::memcpy(buf_ + len_, s.data(), s.size());
    len_ += s.size();
}

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
    escaped(name);
    put(':');
    after_key_ = true;
}

void JsonWriter::escaped(std::string_view s) noexcept
{
    put('"');
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
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
        default:
            if (c < 0x20) {
                char u[8];
                std::snprintf(u, sizeof u, "\\u%04x", c);
                put(u);
            } else {
                put(ch);
            }
        }
    }
    put('"');
}

void JsonWriter::string(std::string_view value) noexcept
{
    separator();
    escaped(value);
}

void JsonWriter::number(double value, int decimals) noexcept
{
    if (!std::isfinite(value)) {
        null();
        return;
    }
    separator();
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", decimals, value);
    put(b);
}

void JsonWriter::real(double value) noexcept
{
    if (!std::isfinite(value)) {
        null();
        return;
    }
    separator();
    char b[64];
    std::snprintf(b, sizeof b, "%.6g", value);
    put(b);
}

void JsonWriter::integer(int64_t value) noexcept
{
    separator();
    char b[32];
    std::snprintf(b, sizeof b, "%lld", static_cast<long long>(value));
    put(b);
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
