// What-if client over libpqxx (see whatif_client.hpp). Each call runs in its own implicit
// transaction (nontransaction), so one statement that fails to plan does not poison the next.
#include "whatif_client.hpp"

#include <cmath>
#include <sstream>

namespace autopilot {

namespace {

constexpr const char *kWhatIf =
    "SELECT total_cost, plan, hypothetical_used FROM autopilot.whatif($1, $2::text[])";
constexpr const char *kEstimate = "SELECT bytes FROM autopilot.hypo_estimate($1)";
constexpr const char *kHide = "SELECT autopilot.hypo_hide($1::regclass)";
constexpr const char *kUnhideAll = "SELECT autopilot.hypo_unhide_all()";

std::string first_line(const std::string &s)
{
    auto nl = s.find('\n');
    return nl == std::string::npos ? s : s.substr(0, nl);
}

std::vector<int> parse_int_array(const std::string &s)
{
    std::vector<int> out;
    std::string cur;
    for (char c : s) {
        if (c >= '0' && c <= '9') {
            cur += c;
        } else if (!cur.empty()) {
            out.push_back(std::stoi(cur));
            cur.clear();
        }
    }
    if (!cur.empty())
        out.push_back(std::stoi(cur));
    return out;
}

} // namespace

std::string pg_text_array(const std::vector<std::string> &items)
{
    std::string out = "{";
    for (size_t i = 0; i < items.size(); ++i) {
        if (i)
            out += ',';
        out += '"';
        for (char c : items[i]) {
            if (c == '"' || c == '\\')
                out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

int64_t fallback_index_bytes(const IndexDef &idx, const Catalog &catalog)
{
    const TableInfo *t = catalog.find_key(idx.table_key());
    if (!t)
        return 8192;
    if (idx.method == "brin")
        return 8192 * std::max<int64_t>(3, int64_t(t->bytes / 8192 / 128 / 1000) + 3);
    double width = 8;  // IndexTupleData + alignment
    for (const auto &cols : {idx.keys, idx.include})
        for (const auto &c : cols)
            if (const ColumnStats *cs = t->column(c))
                width += std::ceil(cs->avg_width / 8) * 8;
    width += 4;  // line pointer
    const double rows = idx.partial() ? t->rows * 0.25 : t->rows;
    const double pages = std::ceil(rows * width / (8192 * 0.9)) + 1;
    return int64_t(pages) * 8192;
}

WhatIfClient::WhatIfClient(pqxx::connection_base &db, const std::vector<WorkloadStatement> &workload,
                           const Catalog &catalog, const LatencyPredictor &latency)
    : db_(db), workload_(workload), catalog_(catalog), latency_(latency)
{
}

bool WhatIfClient::plan(size_t stmt, const std::vector<IndexDef> &indexes, double &cost, nlohmann::json &plan,
                        std::vector<int> &used, std::string &error)
{
    std::vector<std::string> ddl;
    ddl.reserve(indexes.size());
    for (const auto &i : indexes)
        ddl.push_back(i.ddl());
    try {
        pqxx::nontransaction tx(db_);
        pqxx::result r = tx.exec_params(kWhatIf, workload_[stmt].text, pg_text_array(ddl));
        if (r.empty()) {
            error = "what-if returned no plan";
            return false;
        }
        cost = r[0][0].as<double>();
        plan = nlohmann::json::parse(r[0][1].c_str(), nullptr, false);
        used = r[0][2].is_null() ? std::vector<int>{} : parse_int_array(r[0][2].c_str());
        return true;
    } catch (const pqxx::broken_connection &) {
        throw;
    } catch (const std::exception &e) {
        error = first_line(e.what());
        return false;
    }
}

PlanEstimate WhatIfClient::estimate(size_t stmt, const std::vector<IndexDef> &indexes)
{
    PlanEstimate out;
    const WorkloadStatement &st = workload_[stmt];
    if (!base_.count(stmt)) {
        Base b;
        std::vector<int> used;
        if (!plan(stmt, {}, b.cost, b.plan, used, out.error))
            return out;
        base_[stmt] = std::move(b);
    }
    const Base &b = base_[stmt];
    double cost = b.cost;
    nlohmann::json p;
    std::vector<int> used;
    if (!indexes.empty()) {
        if (!plan(stmt, indexes, cost, p, used, out.error))
            return out;
    }
    out.ok = true;
    out.cost = cost;
    PlanFacts base{b.cost, &b.plan};
    PlanFacts with{cost, indexes.empty() ? &b.plan : &p};
    out.ms = latency_.predict_ms(st, base, with);
    for (int pos : used)
        if (pos >= 1 && size_t(pos) <= indexes.size())
            out.used.push_back(indexes[size_t(pos) - 1].key());
    return out;
}

int64_t WhatIfClient::size_bytes(const IndexDef &idx)
{
    try {
        pqxx::nontransaction tx(db_);
        pqxx::result r = tx.exec_params(kEstimate, idx.ddl());
        if (!r.empty() && !r[0][0].is_null())
            return std::max<int64_t>(r[0][0].as<int64_t>(), 8192);
    } catch (const pqxx::broken_connection &) {
        throw;
    } catch (const std::exception &) {
        // The size model refused it (e.g. no statistics yet): estimate from the catalog instead.
    }
    return fallback_index_bytes(idx, catalog_);
}

void WhatIfClient::hide(const std::string &qualified_index)
{
    pqxx::nontransaction tx(db_);
    tx.exec_params(kHide, qualified_index);
    base_.clear();
}

void WhatIfClient::unhide_all()
{
    pqxx::nontransaction tx(db_);
    tx.exec(kUnhideAll);
    base_.clear();
}

} // namespace autopilot
