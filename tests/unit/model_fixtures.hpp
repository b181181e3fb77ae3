// Shared by the latency model's unit tests: plans with a known latency law, a synthetic sample
// set, fast training options and temporary directories.
#pragma once

#include "model.hpp"

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <unistd.h>
#include <vector>

namespace model_fixtures
{
// A scan whose real latency depends on rows and width in a way the cost does not capture.
inline nlohmann::json scan_plan(double rows, double width, const std::string &type)
{
    return {{"Node Type", type}, {"Relation Name", "t"}, {"Startup Cost", 0.0}, {"Total Cost", rows * 0.01 + 10},
            {"Plan Rows", rows}, {"Plan Width", width}};
}

inline std::vector<autopilot::Sample> synthetic_samples()
{
    std::vector<autopilot::Sample> s;
    const char *types[] = {"Seq Scan", "Index Scan", "Bitmap Heap Scan"};
    for (int t = 0; t < 3; ++t)
        for (int i = 0; i < 60; ++i) {
            const double rows = 100.0 * (1 + (i * 37) % 97);
            const double width = 8.0 * (1 + (i * 11) % 13);
            const double ms = 0.001 * rows * std::sqrt(width) * (t == 1 ? 4.0 : 1.0);
            s.push_back({"fp" + std::to_string(t * 10 + i % 10), scan_plan(rows, width, types[t]), ms, "ok"});
        }
    s.push_back({"bad", scan_plan(1, 1, "Seq Scan"), 5.0, "error"});
    s.push_back({"bad", nlohmann::json{{"not", "a plan"}}, 5.0, "ok"});
    return s;
}

inline autopilot::TrainingOptions fast_options()
{
    autopilot::TrainingOptions o;
    o.members = 2;
    o.rounds = 150;
    o.eta = 0.15;
    o.min_child_weight = 1;
    o.threads = 1;
    return o;
}

inline std::string temp_dir(const std::string &tag)
{
    const auto d = std::filesystem::temp_directory_path() / ("autopilot_test_" + tag + std::to_string(::getpid()));
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    return d.string();
}
}  // namespace model_fixtures
