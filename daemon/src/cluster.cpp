// Statement clustering on top of the shared k-means (one implementation for the daemon and the
// warehouse's segments).
#include "cluster.hpp"

#include "kmeans.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

namespace autopilot
{

WorkloadClustering cluster_workload(const std::vector<StatementProfile> &statements, std::uint64_t seed, int k_max)
{
    WorkloadClustering out;
    if (statements.empty())
        return out;
    kmeans::Points points;
    for (const auto &s : statements) {
        kmeans::Point p;
        for (float v : s.features)
            p.push_back(std::copysign(std::log1p(std::abs(static_cast<double>(v))), static_cast<double>(v)));
        for (auto &v : p)
            if (!std::isfinite(v))
                v = 0;
        points.push_back(std::move(p));
    }
    kmeans::Options options;
    options.seed = seed;
    const kmeans::Result r = kmeans::fit_best_k(kmeans::standardize(points), 2, std::max(2, k_max), options);
    out.k = r.k;
    out.silhouette = r.silhouette;

    double total = 0;
    for (const auto &s : statements)
        total += std::max(0.0, s.total_ms);
    std::vector<WorkloadCluster> clusters(static_cast<std::size_t>(r.k));
    for (std::size_t i = 0; i < statements.size(); ++i) {
        auto &c = clusters[static_cast<std::size_t>(r.labels[i])];
        c.members.push_back(i);
        c.total_ms += std::max(0.0, statements[i].total_ms);
        c.calls += statements[i].calls;
    }
    for (auto &c : clusters) {
        std::stable_sort(c.members.begin(), c.members.end(),
                         [&](std::size_t a, std::size_t b) { return statements[a].total_ms > statements[b].total_ms; });
        c.share_of_time = total > 0 ? c.total_ms / total : 0;
        std::map<std::string, double> table_ms;
        for (std::size_t i : c.members)
            for (const auto &t : statements[i].tables)
                table_ms[t] += statements[i].total_ms;
        std::vector<std::pair<std::string, double>> by_time(table_ms.begin(), table_ms.end());
        std::stable_sort(by_time.begin(), by_time.end(),
                         [](const auto &a, const auto &b) { return a.second > b.second; });
        for (const auto &[t, ms] : by_time)
            c.tables.push_back(t);
    }
    // Number clusters by descending share of time, so ids mean something across runs.
    std::vector<std::size_t> order(clusters.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return clusters[a].total_ms > clusters[b].total_ms; });
    std::vector<int> new_id(clusters.size());
    for (std::size_t rank = 0; rank < order.size(); ++rank) {
        new_id[order[rank]] = static_cast<int>(rank);
        clusters[order[rank]].id = static_cast<int>(rank);
        out.clusters.push_back(clusters[order[rank]]);
    }
    for (int l : r.labels)
        out.cluster_of.push_back(new_id[static_cast<std::size_t>(l)]);
    return out;
}

}  // namespace autopilot
