// The advise step: collect → workload → candidates → search → drop advice → recommendations. Writes
// rows through autopilot.recommend() (never free-text DDL), or only prints them with --dry-run.
#pragma once

#include "candidates.hpp"
#include "collect.hpp"
#include "cost_cache.hpp"
#include "drop_advice.hpp"
#include "latency.hpp"
#include "search.hpp"

#include <pqxx/pqxx>

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace autopilot {

struct AdvisorOptions {
    int64_t budget_bytes = 10ll << 30;
    double budget_pct = 0;             // > 0: the budget is also at most this % of the database size
    double regression_threshold = 0.10;
    size_t max_statements = 200;
    bool drain = true;                 // drain the capture ring into autopilot.samples first
    int64_t samples_max_rows = 1000000;
    std::string samples_keep = "7 days";
    CandidateOptions candidates;
    SearchOptions search;              // budget and threshold are taken from the fields above
    DropOptions drops;
};

struct AffectedStatement {
    int64_t queryid = 0;
    std::string fingerprint;
    std::string query;
    double calls_per_hour = 0;
    double before_ms = 0, after_ms = 0;
    double before_cost = 0, after_cost = 0;
    bool lower_bound = false;
    bool real_text = false;        // costed with a captured real text (not a generic plan)
};

struct Recommendation {
    IndexDef index;
    int64_t bytes = 0;
    double benefit_ms_per_hour = 0;
    double gain_pct = 0;               // of the affected statements' time
    double confidence = 0;
    std::vector<AffectedStatement> affected;
    std::string rationale;
};

struct DropRecommendation {
    DropCandidate drop;
    bool safe = false;                 // costed with hypo_hide: no statement slower beyond the threshold
    std::string verdict;               // why it is (not) recommended
    std::string rationale;
};

struct Uncostable {
    std::string query;
    std::string reason;
};

struct AdviceReport {
    std::vector<Recommendation> creates;
    std::vector<DropRecommendation> drops;
    std::vector<Uncostable> uncostable;
    std::vector<std::string> vetoed;
    CacheStats whatif;
    uint64_t drop_whatif_calls = 0;
    size_t statements = 0;
    size_t candidates = 0;
    int64_t budget_bytes = 0;
    double window_hours = 0;
    double seconds = 0;
    std::string latency;               // which predictor judged the plans
};

// Everything but the writing. `prev` is the previous cycle's snapshot (null on the first); `snapshot`
// receives this cycle's.
AdviceReport run_advisor(pqxx::connection_base &db, const AdvisorOptions &o, const LatencyPredictor &latency,
                         const PssSnapshot *prev = nullptr, PssSnapshot *snapshot = nullptr);

struct AdviceWrite {
    std::vector<int64_t> ids;          // recorded or refreshed (or a live one left alone)
    size_t superseded = 0;
};

// Inserts/refreshes the recommendations through autopilot.recommend() with origin 'advisor';
// supersedes the advisor's own pending ones the advice no longer contains. Recommendations made by
// anyone else (origin 'manual') are never refreshed nor superseded.
AdviceWrite write_recommendations(pqxx::connection_base &db, const AdviceReport &report);

// The dry-run table.
void print_report(const AdviceReport &report, std::ostream &out);

// Pure parts, exposed for tests.
double recommendation_confidence(const Recommendation &r, bool learned_latency);
std::string recommendation_rationale(const Recommendation &r, const std::string &latency);
std::string human_bytes(int64_t bytes);

} // namespace autopilot
