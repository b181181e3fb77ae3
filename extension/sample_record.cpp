// Encoding of captured samples for the shared ring (see sample_record.hpp).
#include "sample_record.hpp"

#include <cstring>

#include "pure.hpp"

namespace autopilot {

namespace {

struct Lengths {
    uint32_t query, params, plan, predicates;
};

}  // namespace

const char *status_name(SampleStatus s) noexcept
{
    switch (s) {
    case SampleStatus::ok:
        return "ok";
    case SampleStatus::error:
        return "error";
    case SampleStatus::timeout:
        return "timeout";
    case SampleStatus::cancelled:
        return "cancelled";
    }
    return "error";
}

bool ParamBlobWriter::add(const char *value, size_t length) noexcept
{
    const size_t bytes = value ? length : 0;
    if (len_ + space_for(bytes) > cap_)
        return false;
    const int32_t stored = value ? static_cast<int32_t>(length) : -1;
    std::memcpy(buf_ + len_, &stored, sizeof stored);
    len_ += sizeof stored;
    if (bytes)
        std::memcpy(buf_ + len_, value, bytes);
    len_ += bytes;
    count_++;
    return true;
}

bool ParamBlobReader::next(std::string_view *value, bool *is_null) noexcept
{
    int32_t stored;
    if (pos_ + sizeof stored > blob_.size())
        return false;
    std::memcpy(&stored, blob_.data() + pos_, sizeof stored);
    pos_ += sizeof stored;
    if (stored < 0) {
        *is_null = true;
        *value = {};
        return true;
    }
    if (pos_ + static_cast<size_t>(stored) > blob_.size())
        return false;
    *is_null = false;
    *value = blob_.substr(pos_, static_cast<size_t>(stored));
    pos_ += static_cast<size_t>(stored);
    return true;
}

size_t encoded_size(const SampleTexts &t) noexcept
{
    return sizeof(SampleFixed) + sizeof(Lengths) + t.query.size() + t.params.size() + t.plan.size() +
           t.predicates.size();
}

void encode_sample(const SampleFixed &fixed, const SampleTexts &t, char *dst) noexcept
{
    const Lengths lengths{static_cast<uint32_t>(t.query.size()), static_cast<uint32_t>(t.params.size()),
                          static_cast<uint32_t>(t.plan.size()), static_cast<uint32_t>(t.predicates.size())};
    std::memcpy(dst, &fixed, sizeof fixed);
    dst += sizeof fixed;
    std::memcpy(dst, &lengths, sizeof lengths);
    dst += sizeof lengths;
    for (std::string_view part : {t.query, t.params, t.plan, t.predicates}) {
        if (!part.empty())
            std::memcpy(dst, part.data(), part.size());
        dst += part.size();
    }
}

bool decode_sample(const char *src, size_t size, SampleFixed *fixed, SampleTexts *t) noexcept
{
    Lengths lengths;
    if (size < sizeof *fixed + sizeof lengths)
        return false;
    std::memcpy(fixed, src, sizeof *fixed);
    std::memcpy(&lengths, src + sizeof *fixed, sizeof lengths);
    size_t pos = sizeof *fixed + sizeof lengths;
    const uint64_t total = uint64_t{lengths.query} + lengths.params + lengths.plan + lengths.predicates;
    if (pos + total > size)
        return false;
    std::string_view *parts[] = {&t->query, &t->params, &t->plan, &t->predicates};
    const uint32_t sizes[] = {lengths.query, lengths.params, lengths.plan, lengths.predicates};
    for (int i = 0; i < 4; i++) {
        *parts[i] = std::string_view(src + pos, sizes[i]);
        pos += sizes[i];
    }
    return true;
}

}  // namespace autopilot
