// Deterministic k-means (Lloyd's algorithm, k-means++ seeding) and the choice of k by silhouette.
// Shared by the daemon's workload clustering and the warehouse's customer segments: one
// implementation, pure functions over plain vectors, reproducible for a given seed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace autopilot::kmeans
{

using Point = std::vector<double>;
using Points = std::vector<Point>;

struct Options {
    std::uint64_t seed = 42;
    int max_iterations = 100;
    // Independent k-means++ restarts; the one with the lowest inertia wins (k-means is only
    // locally optimal, a few restarts remove most bad seedings).
    int restarts = 4;
    // Silhouette is O(n^2): above this many points it is computed on a deterministic sample.
    std::size_t silhouette_sample = 2000;
};

struct Result {
    int k = 0;
    Points centroids;         // k centroids, same dimension as the points
    std::vector<int> labels;  // one cluster index in [0, k) per point
    std::vector<std::size_t> sizes;
    double inertia = 0;     // sum of squared distances to the assigned centroid
    double silhouette = 0;  // mean silhouette in [-1, 1]; 0 when k < 2
    int iterations = 0;
};

// Clusters `points` (all of the same dimension, at least one) into exactly min(k, #distinct points)
// clusters. Throws std::invalid_argument on empty input, ragged rows, k < 1 or non-finite values.
Result fit(const Points &points, int k, const Options &options = {});

// Mean silhouette coefficient (Rousseeuw 1987) of a labelling; 0 when fewer than two clusters.
double silhouette(const Points &points, const std::vector<int> &labels, const Options &options = {});

// Tries every k in [k_min, k_max] and returns the fit with the highest mean silhouette (ties: the
// smaller k). Silhouette rewards compact, well separated clusters and, unlike inertia, does not
// keep improving as k grows, so it needs no "elbow" judgement. With fewer than 3 distinct points
// it returns the single-cluster fit.
Result fit_best_k(const Points &points, int k_min, int k_max, const Options &options = {});

// Prediction strength (Tibshirani & Walther 2005) of k clusters: the data are split in random
// halves `splits` times; k-means on each half; for every cluster of the test half, the share of
// its pairs of points that the training half's centroids also put together; the minimum over the
// test clusters, averaged over the splits. Near 1 when k-means finds the same k groups in any
// half of the data, low when a cluster is an arbitrary cut through a continuum. 1 for k < 2.
double prediction_strength(const Points &points, int k, const Options &options = {}, int splits = 5);

// The largest k in [k_min, k_max] whose prediction strength is at least `threshold` (0.8 in the
// paper; k_min when none is), fitted on all the points; `strengths`, when given, receives the
// prediction strength of each k tried, in order. Unlike silhouette, which favours a few well
// separated groups, it keeps every group that is reproducible.
Result fit_stable_k(const Points &points, int k_min, int k_max, double threshold, const Options &options = {},
                    std::vector<double> *strengths = nullptr);

// Column-wise z-scores (a constant column becomes 0), so that no feature dominates the distance
// because of its unit.
Points standardize(const Points &points);

}  // namespace autopilot::kmeans
