// k-means: deterministic for a seed, finds well separated clusters, picks k by silhouette or by
// prediction strength.
#include "kmeans.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <set>

using namespace autopilot::kmeans;

namespace
{
// Three tight blobs around (0,0), (10,0), (0,10), `per` points each, jitter from a fixed formula.
Points three_blobs(int per)
{
    Points p;
    const double centres[3][2] = {{0, 0}, {10, 0}, {0, 10}};
    for (const auto &c : centres)
        for (int i = 0; i < per; ++i)
            p.push_back({c[0] + 0.3 * std::sin(i * 1.7), c[1] + 0.3 * std::cos(i * 2.3)});
    return p;
}
}  // namespace

TEST_CASE("k-means with the same seed gives the same clustering")
{
    const Points p = three_blobs(40);
    Options o;
    o.seed = 1234;
    const Result a = fit(p, 3, o);
    const Result b = fit(p, 3, o);
    CHECK(a.labels == b.labels);
    CHECK(a.centroids == b.centroids);
    CHECK(a.inertia == b.inertia);
}

TEST_CASE("k-means separates well separated blobs into their own clusters")
{
    const Points p = three_blobs(30);
    const Result r = fit(p, 3);
    REQUIRE(r.k == 3);
    for (int blob = 0; blob < 3; ++blob) {
        std::set<int> labels;
        for (int i = 0; i < 30; ++i)
            labels.insert(r.labels[static_cast<std::size_t>(blob * 30 + i)]);
        CHECK(labels.size() == 1);
    }
    CHECK(std::set<int>(r.labels.begin(), r.labels.end()).size() == 3);
    CHECK(r.silhouette > 0.9);
}

TEST_CASE("the silhouette criterion picks the true number of clusters")
{
    const Result r = fit_best_k(three_blobs(25), 2, 8);
    CHECK(r.k == 3);
}

TEST_CASE("prediction strength is high for the true number of clusters and low for a cut through one")
{
    const Points p = three_blobs(60);
    CHECK(prediction_strength(p, 3) > 0.95);
    CHECK(prediction_strength(p, 5) < 0.8);
}

TEST_CASE("the stability criterion picks the largest reproducible k")
{
    std::vector<double> strengths;
    const Result r = fit_stable_k(three_blobs(60), 2, 6, 0.8, {}, &strengths);
    CHECK(r.k == 3);
    CHECK(strengths.size() == 5);
}

TEST_CASE("k-means never makes more clusters than distinct points")
{
    const Points p = {{1, 1}, {1, 1}, {2, 2}, {2, 2}};
    const Result r = fit(p, 5);
    CHECK(r.k == 2);
    CHECK(r.labels[0] == r.labels[1]);
    CHECK(r.labels[2] == r.labels[3]);
    CHECK(r.labels[0] != r.labels[2]);
}

TEST_CASE("k-means rejects empty, ragged and non-finite input")
{
    CHECK_THROWS_AS(fit({}, 2), std::invalid_argument);
    CHECK_THROWS_AS(fit({{1, 2}, {3}}, 2), std::invalid_argument);
    CHECK_THROWS_AS(fit({{1, NAN}}, 1), std::invalid_argument);
    CHECK_THROWS_AS(fit({{1}}, 0), std::invalid_argument);
}

TEST_CASE("standardize gives zero mean and unit variance per column, constant columns become zero")
{
    const Points z = standardize({{1, 5}, {3, 5}, {5, 5}});
    CHECK(z[0][0] == Approx(-std::sqrt(1.5)));
    CHECK(z[1][0] == Approx(0.0));
    CHECK(z[2][1] == 0.0);
}
