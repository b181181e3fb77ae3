// k-means++ (Arthur & Vassilvitskii 2007) + Lloyd iterations, silhouette (Rousseeuw 1987).
// The random source is our own splitmix64 rather than std:: distributions, whose output is
// implementation-defined: the same seed must give the same clusters on every platform.
#include "kmeans.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

namespace autopilot::kmeans
{
namespace
{

class SplitMix64
{
  public:
    explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next()
    {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    // Uniform in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  private:
    std::uint64_t state_;
};

double sq_distance(const Point &a, const Point &b)
{
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double d = a[i] - b[i];
        s += d * d;
    }
    return s;
}

void validate(const Points &points)
{
    if (points.empty())
        throw std::invalid_argument("k-means needs at least one point");
    const std::size_t dim = points.front().size();
    for (const auto &p : points) {
        if (p.size() != dim)
            throw std::invalid_argument("k-means points must all have the same dimension");
        for (double v : p)
            if (!std::isfinite(v))
                throw std::invalid_argument("k-means points must be finite");
    }
}

std::size_t count_distinct(const Points &points, std::size_t stop_at)
{
    Points sorted = points;
    std::sort(sorted.begin(), sorted.end());
    const auto n = static_cast<std::size_t>(std::unique(sorted.begin(), sorted.end()) - sorted.begin());
    return std::min(n, stop_at);
}

// k-means++ seeding: each next centre is drawn with probability proportional to the squared
// distance to the nearest centre already chosen.
Points seed_centroids(const Points &points, int k, SplitMix64 &rng)
{
    const std::size_t n = points.size();
    Points centroids;
    centroids.push_back(points[static_cast<std::size_t>(rng.next() % n)]);
    std::vector<double> nearest(n);
    for (std::size_t i = 0; i < n; ++i)
        nearest[i] = sq_distance(points[i], centroids[0]);
    while (static_cast<int>(centroids.size()) < k) {
        const double total = std::accumulate(nearest.begin(), nearest.end(), 0.0);
        std::size_t chosen = n - 1;
        if (total > 0) {
            double r = rng.uniform() * total;
            for (std::size_t i = 0; i < n; ++i) {
                r -= nearest[i];
                if (r < 0 && nearest[i] > 0) {
                    chosen = i;
                    break;
                }
            }
            // Rounding can leave r >= 0 at the end: take the last point that is not a centre yet
            // (one exists: total > 0).
            while (nearest[chosen] == 0)
                --chosen;
        }
        centroids.push_back(points[chosen]);
        for (std::size_t i = 0; i < n; ++i)
            nearest[i] = std::min(nearest[i], sq_distance(points[i], centroids.back()));
    }
    return centroids;
}

Result lloyd(const Points &points, Points centroids, int max_iterations)
{
    const std::size_t n = points.size();
    const std::size_t dim = points.front().size();
    const int k = static_cast<int>(centroids.size());
    Result r;
    r.k = k;
    r.labels.assign(n, -1);
    for (r.iterations = 0; r.iterations < max_iterations; ++r.iterations) {
        bool changed = false;
        for (std::size_t i = 0; i < n; ++i) {
            int best = 0;
            double best_d = std::numeric_limits<double>::infinity();
            for (int c = 0; c < k; ++c) {
                const double d = sq_distance(points[i], centroids[static_cast<std::size_t>(c)]);
                if (d < best_d) {
                    best_d = d;
                    best = c;
                }
            }
            if (r.labels[i] != best) {
                r.labels[i] = best;
                changed = true;
            }
        }
        if (!changed && r.iterations > 0)
            break;
        Points sums(static_cast<std::size_t>(k), Point(dim, 0.0));
        std::vector<std::size_t> counts(static_cast<std::size_t>(k), 0);
        for (std::size_t i = 0; i < n; ++i) {
            const auto c = static_cast<std::size_t>(r.labels[i]);
            ++counts[c];
            for (std::size_t j = 0; j < dim; ++j)
                sums[c][j] += points[i][j];
        }
        for (std::size_t c = 0; c < static_cast<std::size_t>(k); ++c) {
            if (counts[c] == 0) {
                // An empty cluster takes the point farthest from its centre, so k stays k.
                std::size_t far = 0;
                double far_d = -1;
                for (std::size_t i = 0; i < n; ++i) {
                    const double d = sq_distance(points[i], centroids[static_cast<std::size_t>(r.labels[i])]);
                    if (d > far_d) {
                        far_d = d;
                        far = i;
                    }
                }
                centroids[c] = points[far];
                continue;
            }
            for (std::size_t j = 0; j < dim; ++j)
                centroids[c][j] = sums[c][j] / static_cast<double>(counts[c]);
        }
    }
    r.centroids = std::move(centroids);
    r.sizes.assign(static_cast<std::size_t>(k), 0);
    r.inertia = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const auto c = static_cast<std::size_t>(r.labels[i]);
        ++r.sizes[c];
        r.inertia += sq_distance(points[i], r.centroids[c]);
    }
    return r;
}

}  // namespace

Result fit(const Points &points, int k, const Options &options)
{
    validate(points);
    if (k < 1)
        throw std::invalid_argument("k-means needs k >= 1, got " + std::to_string(k));
    // More clusters than distinct points would leave duplicated centres.
    k = static_cast<int>(count_distinct(points, static_cast<std::size_t>(k)));
    SplitMix64 rng(options.seed);
    Result best;
    bool have = false;
    for (int attempt = 0; attempt < std::max(1, options.restarts); ++attempt) {
        Result r = lloyd(points, seed_centroids(points, k, rng), std::max(1, options.max_iterations));
        if (!have || r.inertia < best.inertia) {
            best = std::move(r);
            have = true;
        }
    }
    best.silhouette = silhouette(points, best.labels, options);
    return best;
}

double silhouette(const Points &points, const std::vector<int> &labels, const Options &options)
{
    validate(points);
    if (labels.size() != points.size())
        throw std::invalid_argument("silhouette needs one label per point");
    const int k = labels.empty() ? 0 : *std::max_element(labels.begin(), labels.end()) + 1;
    if (k < 2)
        return 0;
    // Deterministic sample of the points scored (every point still counts as a neighbour).
    std::vector<std::size_t> scored(points.size());
    std::iota(scored.begin(), scored.end(), 0);
    if (options.silhouette_sample > 0 && scored.size() > options.silhouette_sample) {
        SplitMix64 rng(options.seed ^ 0x5111u);
        for (std::size_t i = 0; i < options.silhouette_sample; ++i)
            std::swap(scored[i], scored[i + static_cast<std::size_t>(rng.next() % (scored.size() - i))]);
        scored.resize(options.silhouette_sample);
    }
    std::vector<std::size_t> sizes(static_cast<std::size_t>(k), 0);
    for (int l : labels)
        ++sizes[static_cast<std::size_t>(l)];
    double total = 0;
    std::vector<double> sum(static_cast<std::size_t>(k));
    for (std::size_t i : scored) {
        std::fill(sum.begin(), sum.end(), 0.0);
        for (std::size_t j = 0; j < points.size(); ++j)
            if (j != i)
                sum[static_cast<std::size_t>(labels[j])] += std::sqrt(sq_distance(points[i], points[j]));
        const auto own = static_cast<std::size_t>(labels[i]);
        if (sizes[own] <= 1)
            continue;  // a singleton's silhouette is 0 by definition
        const double a = sum[own] / static_cast<double>(sizes[own] - 1);
        double b = std::numeric_limits<double>::infinity();
        for (std::size_t c = 0; c < sum.size(); ++c)
            if (c != own && sizes[c] > 0)
                b = std::min(b, sum[c] / static_cast<double>(sizes[c]));
        const double m = std::max(a, b);
        if (m > 0 && std::isfinite(b))
            total += (b - a) / m;
    }
    return total / static_cast<double>(scored.size());
}

Result fit_best_k(const Points &points, int k_min, int k_max, const Options &options)
{
    validate(points);
    if (k_min < 1 || k_max < k_min)
        throw std::invalid_argument("k-means needs 1 <= k_min <= k_max");
    const auto distinct = static_cast<int>(count_distinct(points, static_cast<std::size_t>(k_max)));
    if (distinct < 3)
        return fit(points, std::min(distinct, k_max), options);
    k_max = std::min(k_max, distinct);
    k_min = std::max(2, std::min(k_min, k_max));
    Result best;
    bool have = false;
    for (int k = k_min; k <= k_max; ++k) {
        Result r = fit(points, k, options);
        if (!have || r.silhouette > best.silhouette + 1e-12) {
            best = std::move(r);
            have = true;
        }
    }
    return best;
}

namespace
{

std::size_t nearest(const Point &p, const Points &centroids)
{
    std::size_t best = 0;
    double best_d = std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < centroids.size(); ++c) {
        const double d = sq_distance(p, centroids[c]);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    return best;
}

}  // namespace

double prediction_strength(const Points &points, int k, const Options &options, int splits)
{
    validate(points);
    if (k < 2 || points.size() < 4 * static_cast<std::size_t>(k))
        return 1;
    SplitMix64 rng(options.seed ^ (0x5157ULL * static_cast<std::uint64_t>(k)));
    double total = 0;
    for (int s = 0; s < splits; ++s) {
        // A random half trains, the other half tests.
        std::vector<std::size_t> order(points.size());
        std::iota(order.begin(), order.end(), 0);
        for (std::size_t i = order.size(); i > 1; --i)
            std::swap(order[i - 1], order[static_cast<std::size_t>(rng.next() % i)]);
        Points train, test;
        for (std::size_t i = 0; i < order.size(); ++i)
            (i % 2 ? test : train).push_back(points[order[i]]);
        Options o = options;
        o.seed = rng.next();
        const Result on_train = fit(train, k, o);
        const Result on_test = fit(test, k, o);
        // For each test cluster: the share of its pairs that the training centroids keep together.
        const std::size_t kt = on_test.sizes.size(), kc = on_train.centroids.size();
        std::vector<std::vector<double>> m(kt, std::vector<double>(kc, 0.0));
        for (std::size_t i = 0; i < test.size(); ++i)
            m[static_cast<std::size_t>(on_test.labels[i])][nearest(test[i], on_train.centroids)] += 1;
        double worst = 1;
        for (std::size_t j = 0; j < kt; ++j) {
            const double n = static_cast<double>(on_test.sizes[j]);
            if (n < 2)
                continue;
            double together = 0;
            for (double c : m[j])
                together += c * (c - 1);
            worst = std::min(worst, together / (n * (n - 1)));
        }
        total += worst;
    }
    return total / splits;
}

Result fit_stable_k(const Points &points, int k_min, int k_max, double threshold, const Options &options,
                    std::vector<double> *strengths)
{
    validate(points);
    if (k_min < 1 || k_max < k_min)
        throw std::invalid_argument("k-means needs 1 <= k_min <= k_max");
    k_max = std::min(k_max, static_cast<int>(count_distinct(points, static_cast<std::size_t>(k_max))));
    k_min = std::min(k_min, k_max);
    int chosen = k_min;
    for (int k = k_min; k <= k_max; ++k) {
        const double ps = prediction_strength(points, k, options);
        if (strengths)
            strengths->push_back(ps);
        if (ps >= threshold)
            chosen = k;
    }
    return fit(points, chosen, options);
}

Points standardize(const Points &points)
{
    if (points.empty())
        return {};
    const std::size_t dim = points.front().size();
    const auto n = static_cast<double>(points.size());
    std::vector<double> mean(dim, 0.0), sd(dim, 0.0);
    for (const auto &p : points)
        for (std::size_t j = 0; j < dim; ++j)
            mean[j] += p.at(j) / n;
    for (const auto &p : points)
        for (std::size_t j = 0; j < dim; ++j)
            sd[j] += (p[j] - mean[j]) * (p[j] - mean[j]) / n;
    Points out = points;
    for (auto &p : out)
        for (std::size_t j = 0; j < dim; ++j)
            p[j] = sd[j] > 0 ? (p[j] - mean[j]) / std::sqrt(sd[j]) : 0.0;
    return out;
}

}  // namespace autopilot::kmeans
