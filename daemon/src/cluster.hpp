// Workload clustering: statements grouped by the shape of their plans (k-means over their mean
// feature vectors, k chosen by silhouette: common/kmeans), so the dashboard and the advisor can
// speak of "the big scans of orders" instead of 400 fingerprints.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace autopilot
{

// One statement template and what the workload spent on it.
struct StatementProfile {
    std::string fingerprint;
    std::string query;  // a representative text
    double calls = 0;
    double total_ms = 0;          // time spent in the observation window
    std::vector<float> features;  // mean plan features (features.hpp) over its samples
    std::vector<std::string> tables;
};

struct WorkloadCluster {
    int id = 0;                // 0 = the cluster with the largest share of time
    double share_of_time = 0;  // of the clustered statements' total time, 0..1
    double total_ms = 0, calls = 0;
    std::vector<std::size_t> members;  // indexes into the input, by descending time
    std::vector<std::string> tables;   // union, by descending time spent on them
};

struct WorkloadClustering {
    int k = 0;
    double silhouette = 0;
    std::vector<WorkloadCluster> clusters;
    std::vector<int> cluster_of;  // per input statement
};

// Deterministic for a seed. Features are compressed with ln(1 + |x|) (costs and row counts span
// orders of magnitude) and z-scored; k in [2, k_max] by the best silhouette (one cluster when
// there are fewer than 3 distinct statements). Throws std::invalid_argument on ragged features.
WorkloadClustering cluster_workload(const std::vector<StatementProfile> &statements, std::uint64_t seed = 42,
                                    int k_max = 8);

}  // namespace autopilot
