// Counter-based randomness for the generator: every entity draws from its own stream, seeded by
// hashing (seed, stream tag, key), so the data never depends on chunking, threads or load order.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace autopilot::etl {

// SplitMix64's finalizer: a bijective 64-bit mixer with full avalanche.
constexpr uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

constexpr uint64_t hash3(uint64_t a, uint64_t b, uint64_t c)
{
    return mix64((mix64(mix64(a + 0x9e3779b97f4a7c15ULL) ^ b) + 0x632be59bd9b4e019ULL) ^ c);
}

// A uniform in [0, 1) for one (seed, stream, key): per-row decisions (dirt) with no state.
inline double unit_hash(uint64_t seed, uint64_t stream, uint64_t key)
{
    return static_cast<double>(hash3(seed, stream, key) >> 11) * 0x1.0p-53;
}

// Stream tags: one per kind of entity. Never renumber (it would change every dataset).
enum Stream : uint64_t {
    kStreamWorld = 1,
    kStreamProduct = 2,
    kStreamCustomer = 3,
    kStreamStore = 4,
    kStreamDayOrders = 5,
    kStreamSession = 6,
    kStreamEvents = 7,
    kStreamDirt = 8,
    kStreamMovements = 9,
    kStreamChanges = 10,
    kStreamAnomaly = 11,
    kStreamPromo = 12,
};

// xoshiro256** (Blackman & Vigna): fast, 256-bit state, passes BigCrush.
class Rng {
public:
    Rng(uint64_t seed, uint64_t stream, uint64_t key)
    {
        uint64_t x = hash3(seed, stream, key);
        for (auto &w : s_) {
            x += 0x9e3779b97f4a7c15ULL;
            w = mix64(x);
        }
    }

    uint64_t next()
    {
        const uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    // Uniform integer in [0, n) (Lemire's multiply-shift; the tiny bias is irrelevant here).
    uint64_t below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64); }
    int64_t range(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo + 1))); }
    bool chance(double p) { return uniform() < p; }
    double exponential(double mean) { return -mean * std::log1p(-uniform()); }
    double normal()
    {
        // Box-Muller, one value per call (simplicity over speed: not on a hot path).
        double u1 = uniform(), u2 = uniform();
        if (u1 < 1e-300)
            u1 = 1e-300;
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    // Poisson: Knuth's product method for small means, a rounded normal for large ones.
    int poisson(double mean)
    {
        if (mean <= 0)
            return 0;
        if (mean > 40) {
            double v = std::round(mean + std::sqrt(mean) * normal());
            return v < 0 ? 0 : static_cast<int>(v);
        }
        const double limit = std::exp(-mean);
        double p = uniform();
        int k = 0;
        while (p > limit) {
            p *= uniform();
            ++k;
        }
        return k;
    }
    template <class T>
    const T &pick(const std::vector<T> &v) { return v[below(v.size())]; }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    uint64_t s_[4];
};

// Sampling from fixed weights by binary search over the cumulative sum.
class WeightedPicker {
public:
    WeightedPicker() = default;
    explicit WeightedPicker(const std::vector<double> &weights) { reset(weights); }
    void reset(const std::vector<double> &weights)
    {
        cum_.resize(weights.size());
        double s = 0;
        for (size_t i = 0; i < weights.size(); ++i) {
            s += weights[i] > 0 ? weights[i] : 0;
            cum_[i] = s;
        }
    }
    double total() const { return cum_.empty() ? 0 : cum_.back(); }
    bool empty() const { return total() <= 0; }
    size_t pick(Rng &rng) const
    {
        const double x = rng.uniform() * total();
        size_t lo = 0, hi = cum_.size() - 1;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (cum_[mid] > x)
                hi = mid;
            else
                lo = mid + 1;
        }
        return lo;
    }

private:
    std::vector<double> cum_;
};

// Zipf weights 1/rank^s for ranks 1..n.
inline std::vector<double> zipf_weights(size_t n, double s)
{
    std::vector<double> w(n);
    for (size_t i = 0; i < n; ++i)
        w[i] = 1.0 / std::pow(static_cast<double>(i + 1), s);
    return w;
}

}  // namespace autopilot::etl
