// A ring of variable-length records in one fixed block of memory (the capture buffer in shared
// memory). Pure C++ over plain bytes: the caller provides the memory and the lock.
#pragma once

#include <cstddef>
#include <cstdint>

namespace autopilot {

// Lives at the start of the shared block, followed by the data area. Offsets grow monotonically
// (a record's position is offset % capacity), so "used" is head - tail with no full/empty ambiguity.
// Records never wrap: one that does not fit before the end of the area is preceded by a pad record
// that fills the rest, and starts at position 0.
struct RingState {
    uint64_t capacity;   // bytes in the data area, a multiple of 8
    uint64_t head;       // where the next record goes
    uint64_t tail;       // the oldest record
    uint64_t records;    // records between tail and head (pads excluded)
    uint64_t appended;   // records ever appended
    uint64_t dropped;    // records overwritten before anyone read them
    uint64_t drained;    // records removed by a reader
};

class SampleRing {
public:
    // Every record starts with this header; `length` includes it and is a multiple of 8.
    struct RecordHeader {
        uint32_t length;
        uint32_t kind;  // kPad or kRecord
    };
    static constexpr uint32_t kPad = 0;
    static constexpr uint32_t kRecord = 1;
    static constexpr size_t kAlign = 8;

    // The largest record payload this ring accepts: a quarter of the area, so one record never
    // evicts more than a small part of the history.
    static size_t max_payload(uint64_t capacity) noexcept;

    SampleRing(RingState *state, char *data) noexcept : state_(state), data_(data) {}

    // Sets up an empty ring over `capacity` bytes (rounded down to kAlign).
    static void initialize(RingState *state, uint64_t capacity) noexcept;

    // Reserves room for a record of `payload` bytes, evicting the oldest records as needed (each
    // evicted record counts as dropped). Returns where to write the payload, or nullptr when the
    // payload exceeds max_payload(). The record is visible to readers as soon as this returns (the
    // caller holds the lock until it has written the payload).
    char *append(size_t payload) noexcept;

    // The oldest record's payload and its size, or nullptr when empty. Does not remove it.
    const char *peek(size_t *payload) const noexcept;

    // Removes the oldest record (counts it as drained). No-op when empty.
    void pop() noexcept;

    // Empties the ring and zeroes the counters.
    void reset() noexcept;

    uint64_t used() const noexcept { return state_->head - state_->tail; }
    const RingState &state() const noexcept { return *state_; }

private:
    RecordHeader *header_at(uint64_t offset) const noexcept;
    void skip_pads() noexcept;
    void evict_oldest() noexcept;

    RingState *state_;
    char *data_;
};

}  // namespace autopilot
