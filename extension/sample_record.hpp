// One captured sample as it travels through the shared ring: a fixed part plus four variable-length
// texts (query, parameters, plan JSON, predicates JSON). Pure C++: encoding writes into memory the
// caller reserved (no allocation, so the error path can use it), decoding returns views.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace autopilot {

enum class SampleStatus : uint8_t { ok = 0, error = 1, timeout = 2, cancelled = 3 };

const char *status_name(SampleStatus s) noexcept;

// The fixed part, copied as is.
struct SampleFixed {
    int64_t queryid = 0;
    uint32_t dbid = 0;
    uint32_t userid = 0;
    int64_t captured_at = 0;  // TimestampTz
    double total_ms = 0;
    double planning_ms = 0;
    int64_t rows = 0;
    int32_t nested_level = 0;
    int32_t sqlstate = 0;  // PostgreSQL's packed SQLSTATE, 0 when ok
    SampleStatus status = SampleStatus::ok;
    bool truncated = false;
    bool has_params = false;
    uint8_t reserved = 0;
    int32_t nparams = 0;
};

// Parameters are encoded as a blob: per value an int32 length (-1 for NULL) and its bytes.
class ParamBlobWriter {
public:
    ParamBlobWriter(char *buffer, size_t capacity) noexcept : buf_(buffer), cap_(capacity) {}
    static size_t space_for(size_t value_bytes) noexcept { return sizeof(int32_t) + value_bytes; }
    // Appends a value (nullptr = SQL NULL); false when it does not fit.
    bool add(const char *value, size_t length) noexcept;
    size_t size() const noexcept { return len_; }
    int count() const noexcept { return count_; }

private:
    char *buf_;
    size_t cap_;
    size_t len_ = 0;
    int count_ = 0;
};

struct SampleTexts {
    std::string_view query;
    std::string_view params;  // a ParamBlobWriter blob
    std::string_view plan;    // JSON, empty = none
    std::string_view predicates;
};

size_t encoded_size(const SampleTexts &texts) noexcept;
// Writes the sample at dst, which has encoded_size(texts) bytes.
void encode_sample(const SampleFixed &fixed, const SampleTexts &texts, char *dst) noexcept;
// Reads a sample back; false when the bytes are not a well-formed sample.
bool decode_sample(const char *src, size_t size, SampleFixed *fixed, SampleTexts *texts) noexcept;

// Iterates over a parameter blob: next() yields each value (is_null set for NULL).
class ParamBlobReader {
public:
    explicit ParamBlobReader(std::string_view blob) noexcept : blob_(blob) {}
    bool next(std::string_view *value, bool *is_null) noexcept;

private:
    std::string_view blob_;
    size_t pos_ = 0;
};

}  // namespace autopilot
