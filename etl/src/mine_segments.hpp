// Customer segmentation: RFM (recency, frequency, monetary) plus channel and brand preferences,
// standardised for k-means, and readable labels (champions, loyal, new, at risk, hibernating...)
// derived from each cluster's RFM profile relative to the whole customer base.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace autopilot::mining {

struct CustomerActivity {
    int64_t customer_id = 0;
    double recency_days = 0;     // as-of day minus the last order day
    double tenure_days = 0;      // as-of day minus the first order day
    double orders = 0;           // distinct orders
    double monetary = 0;         // net revenue
    double online_share = 0;     // share of orders placed online (0..1)
    double top_brand_share = 0;  // share of units of the customer's favourite brand (0..1)
    double avg_discount = 0;     // mean discount fraction of the customer's lines (0..1)
};

// The columns fed to k-means, in this order (documented in docs/mining.md).
const std::vector<std::string> &segment_feature_names();

// Log-transforms the heavy-tailed columns and z-scores every column (population statistics); the
// preference columns (channel, brand, discount) are then scaled by `preference_weight`: they
// describe a customer but say little about the customer's life-cycle stage, and at full weight
// their noise (shares over a handful of orders) blurs the RFM structure k-means should find.
std::vector<std::vector<double>> segment_features(const std::vector<CustomerActivity> &customers,
                                                  double preference_weight = 0.25);

struct SegmentProfile {
    int cluster = 0;
    std::string label;
    int64_t customers = 0;
    double recency_days = 0, tenure_days = 0, orders = 0, monetary = 0, online_share = 0,
           top_brand_share = 0, avg_discount = 0;  // medians (shares: means)
};

// Profiles per cluster (medians) with labels; labels are unique (a suffix tells duplicates apart).
std::vector<SegmentProfile> profile_segments(const std::vector<CustomerActivity> &customers,
                                             const std::vector<int> &assignment, int k);

// The label for one profile against the population's medians.
std::string segment_label(const SegmentProfile &p, const SegmentProfile &population);

// Baseline for the benchmark: classic RFM-score rules (tertiles of R, F, M) into five groups.
std::vector<int> rfm_rule_segments(const std::vector<CustomerActivity> &customers);

}  // namespace autopilot::mining
