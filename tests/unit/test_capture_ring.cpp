// The capture ring (extension/sample_ring.cpp): records come back in order, exactly once; a full
// ring overwrites its oldest records and counts them; records never straddle the end of the area.
#include "sample_ring.hpp"

#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct Ring {
    explicit Ring(uint64_t capacity) : data(capacity), ring(&state, data.data())
    {
        autopilot::SampleRing::initialize(&state, capacity);
    }
    bool push(const std::string &s)
    {
        char *dst = ring.append(s.size() + 1);
        if (!dst)
            return false;
        std::memcpy(dst, s.c_str(), s.size() + 1);
        return true;
    }
    std::vector<std::string> drain()
    {
        std::vector<std::string> out;
        size_t size;
        while (const char *p = ring.peek(&size)) {
            out.emplace_back(p);
            ring.pop();
        }
        return out;
    }
    autopilot::RingState state{};
    std::vector<char> data;
    autopilot::SampleRing ring;
};

}  // namespace

TEST_CASE("records are read back oldest first and removed by the reader")
{
    Ring r(4096);
    REQUIRE(r.push("a"));
    REQUIRE(r.push("b"));
    REQUIRE(r.push("c"));
    CHECK(r.drain() == std::vector<std::string>{"a", "b", "c"});
    CHECK(r.drain().empty());
    CHECK(r.state.appended == 3);
    CHECK(r.state.drained == 3);
    CHECK(r.state.dropped == 0);
    CHECK(r.ring.used() == 0);
}

TEST_CASE("a full ring overwrites its oldest records and counts them as dropped")
{
    Ring r(1024);
    for (int i = 0; i < 100; i++)
        REQUIRE(r.push("record " + std::to_string(i) + std::string(40, 'x')));
    const auto left = r.drain();
    REQUIRE_FALSE(left.empty());
    CHECK(left.back().rfind("record 99", 0) == 0);
    CHECK(r.state.appended == 100);
    CHECK(r.state.dropped + r.state.drained == 100);
    CHECK(r.state.drained == left.size());
}

TEST_CASE("a record that would cross the end of the area starts again at the beginning")
{
    Ring r(1024);
    // Fill unevenly so the head lands close to the end, then keep going for many wraps.
    uint64_t total = 0;
    for (int i = 0; i < 500; i++) {
        const std::string s(static_cast<size_t>(17 + (i * 37) % 200), static_cast<char>('a' + i % 26));
        REQUIRE(r.push(s));
        total++;
        if (i % 7 == 0) {
            size_t size;
            const char *p = r.ring.peek(&size);
            REQUIRE(p != nullptr);
            CHECK(std::strlen(p) < size);  // the payload is intact, its terminator inside the record
            r.ring.pop();
        }
        REQUIRE(r.ring.used() <= r.state.capacity);
    }
    const auto left = r.drain();
    CHECK(r.state.appended == total);
    CHECK(r.state.dropped + r.state.drained == total);
    for (const auto &s : left)
        CHECK(s.find_first_not_of(s[0]) == std::string::npos);
}

TEST_CASE("a record larger than a quarter of the ring is refused")
{
    Ring r(1024);
    CHECK(r.ring.append(autopilot::SampleRing::max_payload(1024)) != nullptr);
    CHECK(r.ring.append(autopilot::SampleRing::max_payload(1024) + 1) == nullptr);
}

TEST_CASE("reset empties the ring and zeroes its counters")
{
    Ring r(1024);
    REQUIRE(r.push("a"));
    r.ring.reset();
    CHECK(r.drain().empty());
    CHECK(r.state.appended == 0);
    CHECK(r.state.capacity == 1024);
}
