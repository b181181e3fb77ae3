// `autopilot-etl generate`: loads one batch of generated data into bronze (and its ground truth
// into truth), in parallel over several connections, marked complete only when all of it is in.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace autopilot::etl {

struct GenerateOptions {
    double scale = 1.0;
    uint64_t seed = 42;
    bool scale_given = false, seed_given = false;
    bool append = false;
    int days = 0;              // --append: business days to add
    std::string conninfo;      // "" = PG* environment
    std::string output_dir;    // non-empty: write COPY files there instead of loading (bench)
    int jobs = 2;              // loader connections / generator threads
    bool progress = false;     // draw a progress bar (stderr is a terminal)
};

struct GenerateResult {
    int64_t batch_id = 0;
    std::string kind, first_day, last_day;
    std::map<std::string, int64_t> rows;  // bronze table -> rows loaded
    int64_t total_rows = 0;
    double seconds = 0;
};

GenerateResult generate(const GenerateOptions &opts);

// Expected bronze rows of a load (for the progress bar).
int64_t expected_rows(double scale, int days);

}  // namespace autopilot::etl
