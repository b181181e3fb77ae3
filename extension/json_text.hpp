// JSON text without allocation, for code that runs inside executor hooks and error paths: a writer
// into a fixed buffer, whitespace compaction of EXPLAIN output, and pruning of a plan's deepest
// "Plans" levels so a plan fits a size limit and stays valid JSON. Pure C++.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace autopilot {

// Writes JSON into a caller-provided buffer. Overflow is sticky: once a write does not fit, the
// writer stops and overflowed() tells; callers then fall back to a smaller document.
class JsonWriter {
public:
    JsonWriter(char *buffer, size_t capacity) noexcept : buf_(buffer), cap_(capacity) {}

    void begin_object() noexcept { open('{'); }
    void end_object() noexcept { close('}'); }
    void begin_array() noexcept { open('['); }
    void end_array() noexcept { close(']'); }
    // "name": (with the comma when needed). Names are written as given, unescaped: they are the
    // callers' literals ("Node Type"), never data.
    void key(std::string_view name) noexcept;
    void string(std::string_view value) noexcept;
    void number(double value, int decimals) noexcept;  // NaN/inf as null
    void real(double value) noexcept;  // 6 significant digits; NaN/inf as null
    void integer(int64_t value) noexcept;
    void boolean(bool value) noexcept;
    void null() noexcept;

    bool overflowed() const noexcept { return overflow_; }
    size_t size() const noexcept { return len_; }
    std::string_view view() const noexcept { return {buf_, len_}; }

    // A point to come back to (e.g. to drop a list element that did not fit).
    struct Mark {
        size_t len;
        int depth;
        bool first;
    };
    Mark mark() const noexcept { return {len_, depth_, depth_ > 0 ? first_[depth_ - 1] : true}; }
    void rollback(const Mark &m) noexcept;

private:
    void open(char c) noexcept;
    void close(char c) noexcept;
    void separator() noexcept;  // the comma before a value in an array
    void put(char c) noexcept
    {
        if (overflow_ || len_ + 1 > cap_) {
            overflow_ = true;
            return;
        }
        buf_[len_++] = c;
    }
    void put(std::string_view s) noexcept
    {
        if (overflow_ || len_ + s.size() > cap_) {
            overflow_ = true;
            return;
        }
        std::memcpy(buf_ + len_, s.data(), s.size());
        len_ += s.size();
    }
    void escaped(std::string_view s) noexcept;

    static constexpr int kMaxDepth = 160;
    char *buf_;
    size_t cap_;
    size_t len_ = 0;
    int depth_ = 0;
    bool first_[kMaxDepth] = {};
    bool after_key_ = false;
    bool overflow_ = false;
};

// Removes whitespace outside strings. `out` may equal `in.data()`; it needs in.size() bytes.
// Returns the compacted length.
size_t compact_json(std::string_view in, char *out) noexcept;

// The depth of the deepest node of an EXPLAIN plan object (0 = the root has no "Plans").
int plan_depth(std::string_view plan) noexcept;

// Copies a compact EXPLAIN plan object to `out` without the "Plans" of nodes at depth `max_depth`
// (0 keeps the root alone). Writes at most `capacity` bytes; returns the full pruned length (the
// copy is complete only when that is <= capacity).
size_t prune_plans(std::string_view plan, int max_depth, char *out, size_t capacity) noexcept;

}  // namespace autopilot
