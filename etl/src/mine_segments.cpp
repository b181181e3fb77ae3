// RFM features, cluster profiles and readable segment labels.
#include "mine_segments.hpp"

#include "mine_anomalies.hpp"  // median

#include <algorithm>
#include <cmath>
#include <map>

namespace autopilot::mining {

const std::vector<std::string> &segment_feature_names()
{
    static const std::vector<std::string> names = {"log_recency_days", "log_tenure_days", "log_orders",
                                                   "log_monetary",     "online_share",    "top_brand_share",
                                                   "avg_discount"};
    return names;
}

// The first four columns are recency, tenure, frequency and monetary value.
static constexpr size_t kRfmColumns = 4;

std::vector<std::vector<double>> segment_features(const std::vector<CustomerActivity> &customers,
                                                  double preference_weight)
{
    std::vector<std::vector<double>> x;
    x.reserve(customers.size());
    for (const auto &c : customers)
        x.push_back({std::log1p(std::max(0.0, c.recency_days)), std::log1p(std::max(0.0, c.tenure_days)),
                     std::log1p(std::max(0.0, c.orders)), std::log1p(std::max(0.0, c.monetary)), c.online_share,
                     c.top_brand_share, c.avg_discount});
    if (x.empty())
        return x;
    const size_t d = x[0].size();
    for (size_t j = 0; j < d; ++j) {
        double mean = 0, var = 0;
        for (const auto &row : x)
            mean += row[j];
        mean /= double(x.size());
        for (const auto &row : x)
            var += (row[j] - mean) * (row[j] - mean);
        const double sd = std::sqrt(var / double(x.size()));
        const double w = j < kRfmColumns ? 1.0 : preference_weight;
        for (auto &row : x)
            row[j] = sd > 0 ? w * (row[j] - mean) / sd : 0;
    }
    return x;
}

static SegmentProfile profile_of(const std::vector<const CustomerActivity *> &members)
{
    SegmentProfile p;
    p.customers = static_cast<int64_t>(members.size());
    std::vector<double> r, t, f, m;
    double online = 0, brand = 0, disc = 0;
    for (const auto *c : members) {
        r.push_back(c->recency_days);
        t.push_back(c->tenure_days);
        f.push_back(c->orders);
        m.push_back(c->monetary);
        online += c->online_share;
        brand += c->top_brand_share;
        disc += c->avg_discount;
    }
    if (members.empty())
        return p;
    const double n = double(members.size());
    p.recency_days = median(r);
    p.tenure_days = median(t);
    p.orders = median(f);
    p.monetary = median(m);
    p.online_share = online / n;
    p.top_brand_share = brand / n;
    p.avg_discount = disc / n;
    return p;
}

std::string segment_label(const SegmentProfile &p, const SegmentProfile &pop)
{
    // Relative to the population's medians: recent = bought much more recently than typical.
    const bool recent = p.recency_days <= 0.6 * pop.recency_days;
    const bool lapsed = p.recency_days >= 1.6 * pop.recency_days;
    const bool frequent = p.orders >= 1.5 * pop.orders;
    const bool valuable = p.monetary >= 1.5 * pop.monetary;
    const bool young = p.tenure_days <= 0.5 * pop.tenure_days;
    const bool rare = p.orders <= 0.75 * pop.orders;
    if (recent && frequent && valuable)
        return "champions";
    if (recent && young)
        return "new";
    if (lapsed && (frequent || valuable))
        return "at risk";
    if (lapsed)
        return "hibernating";
    if (frequent || valuable)
        return "loyal";
    if (p.avg_discount >= 1.5 * pop.avg_discount && pop.avg_discount > 0)
        return "bargain hunters";
    if (rare)
        return "occasional";
    return "regular";
}

std::vector<SegmentProfile> profile_segments(const std::vector<CustomerActivity> &customers,
                                             const std::vector<int> &assignment, int k)
{
    std::vector<const CustomerActivity *> all;
    std::vector<std::vector<const CustomerActivity *>> members(std::max(k, 0));
    for (size_t i = 0; i < customers.size() && i < assignment.size(); ++i) {
        all.push_back(&customers[i]);
        if (assignment[i] >= 0 && assignment[i] < k)
            members[assignment[i]].push_back(&customers[i]);
    }
    const SegmentProfile pop = profile_of(all);
    std::vector<SegmentProfile> out;
    std::map<std::string, int> seen;
    for (int c = 0; c < k; ++c) {
        SegmentProfile p = profile_of(members[c]);
        p.cluster = c;
        p.label = segment_label(p, pop);
        out.push_back(p);
    }
    // Duplicate labels: the more valuable cluster keeps the plain name, others get " (2)", ...
    std::vector<size_t> order(out.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return out[a].monetary > out[b].monetary; });
    for (size_t i : order) {
        const int n = ++seen[out[i].label];
        if (n > 1)
            out[i].label += " (" + std::to_string(n) + ")";
    }
    return out;
}

// Tertile (1..3) of x within v: 1 low, 3 high.
static int tertile(const std::vector<double> &sorted, double x)
{
    const double lo = sorted[sorted.size() / 3], hi = sorted[2 * sorted.size() / 3];
    return x < lo ? 1 : (x < hi ? 2 : 3);
}

std::vector<int> rfm_rule_segments(const std::vector<CustomerActivity> &customers)
{
    std::vector<int> out;
    if (customers.empty())
        return out;
    std::vector<double> r, f, m;
    for (const auto &c : customers) {
        r.push_back(c.recency_days);
        f.push_back(c.orders);
        m.push_back(c.monetary);
    }
    std::sort(r.begin(), r.end());
    std::sort(f.begin(), f.end());
    std::sort(m.begin(), m.end());
    for (const auto &c : customers) {
        const int rs = 4 - tertile(r, c.recency_days);  // recent = 3
        const int fm = tertile(f, c.orders) + tertile(m, c.monetary);
        int seg;
        if (rs == 3 && fm >= 5)
            seg = 0;  // champions
        else if (rs >= 2 && fm >= 4)
            seg = 1;  // loyal
        else if (rs == 3)
            seg = 2;  // new / promising
        else if (fm >= 4)
            seg = 3;  // at risk
        else
            seg = 4;  // hibernating
        out.push_back(seg);
    }
    return out;
}

}  // namespace autopilot::mining
