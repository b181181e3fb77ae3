// The capture ring: variable-length records, oldest overwritten first, counters kept with the data.
#include "sample_ring.hpp"

#include <cstring>

#include "pure.hpp"

namespace autopilot {

namespace {

constexpr uint64_t align_up(uint64_t n, uint64_t a) { return (n + a - 1) / a * a; }

}  // namespace

size_t SampleRing::max_payload(uint64_t capacity) noexcept
{
    return static_cast<size_t>(capacity / 4 - sizeof(RecordHeader));
}

void SampleRing::initialize(RingState *state, uint64_t capacity) noexcept
{
    std::memset(state, 0, sizeof *state);
    state->capacity = capacity / kAlign * kAlign;
}

SampleRing::RecordHeader *SampleRing::header_at(uint64_t offset) const noexcept
{
    return reinterpret_cast<RecordHeader *>(data_ + offset % state_->capacity);
}

// Invariant kept by every mutator: the tail never rests on a pad unless the ring is empty.
void SampleRing::skip_pads() noexcept
{
    while (state_->tail != state_->head && header_at(state_->tail)->kind == kPad)
        state_->tail += header_at(state_->tail)->length;
}

void SampleRing::evict_oldest() noexcept
{
    const RecordHeader *h = header_at(state_->tail);
    if (h->kind == kRecord) {
        state_->records--;
        state_->dropped++;
    }
    state_->tail += h->length;
    skip_pads();
}

char *SampleRing::append(size_t payload) noexcept
{
    if (payload > max_payload(state_->capacity))
        return nullptr;
    const uint64_t length = align_up(sizeof(RecordHeader) + payload, kAlign);
    const uint64_t position = state_->head % state_->capacity;
    // A record that would cross the end starts at 0; the rest of the area becomes a pad.
    const uint64_t pad = position + length > state_->capacity ? state_->capacity - position : 0;
    while (state_->capacity - used() < pad + length)
        evict_oldest();
    if (pad > 0) {
        RecordHeader *p = header_at(state_->head);
        p->length = static_cast<uint32_t>(pad);
        p->kind = kPad;
        state_->head += pad;
    }
    RecordHeader *h = header_at(state_->head);
    h->length = static_cast<uint32_t>(length);
    h->kind = kRecord;
    state_->head += length;
    state_->records++;
    state_->appended++;
    skip_pads();  // the ring was empty: its tail was on the pad
    return reinterpret_cast<char *>(h + 1);
}

const char *SampleRing::peek(size_t *payload) const noexcept
{
    if (state_->tail == state_->head)
        return nullptr;
    const RecordHeader *h = header_at(state_->tail);
    *payload = h->length - sizeof(RecordHeader);
    return reinterpret_cast<const char *>(h + 1);
}

void SampleRing::pop() noexcept
{
    if (state_->tail == state_->head)
        return;
    state_->tail += header_at(state_->tail)->length;
    state_->records--;
    state_->drained++;
    skip_pads();
}

void SampleRing::reset() noexcept
{
    initialize(state_, state_->capacity);
}

}  // namespace autopilot
