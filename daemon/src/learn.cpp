// The learn step (see learn.hpp): registry and samples in, model files and registry rows out.
// Training runs on a worker thread so the service thread can keep feeding the systemd watchdog.
#include "learn.hpp"

#include "cluster.hpp"
#include "estimator.hpp"
#include "features.hpp"
#include "learned_latency.hpp"
#include "log.hpp"
#include "model_store.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <future>
#include <map>
#include <set>

namespace autopilot
{
namespace
{

// Samples the model may learn from: executed to the end, with a plan, from this database. The
// fingerprint is filled by collect; before it is, the query id groups a statement's samples.
constexpr const char *kUsable = R"SQL(
    status = 'ok' AND plan IS NOT NULL AND total_ms > 0
    AND dbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()))SQL";

std::string usable_query(const std::string &select, const std::string &tail)
{
    return "SELECT " + select + " FROM autopilot.samples WHERE" + kUsable + tail;
}

const std::string kCounts =
    usable_query("count(*), count(DISTINCT coalesce(fingerprint, queryid::text)), coalesce(max(id), 0), "
                 "count(*) FILTER (WHERE id > $1)",
                 "");
const std::string kTrainingSamples =
    usable_query("id, coalesce(fingerprint, queryid::text), total_ms, plan::text", " ORDER BY id DESC LIMIT $1");
const std::string kRecentSamples = usable_query("id, coalesce(fingerprint, queryid::text), total_ms, plan::text",
                                                " AND id > $1 ORDER BY id DESC LIMIT $2");
// For clustering: per statement its sampled calls and time, and its newest plans.
const std::string kProfiles = R"SQL(
WITH s AS (
    SELECT coalesce(fingerprint, queryid::text) AS fp, query, total_ms, plan,
           row_number() OVER w AS rn, count(*) OVER p AS calls, sum(total_ms) OVER p AS total
      FROM autopilot.samples WHERE)SQL" +
                              std::string(kUsable) + R"SQL(
    WINDOW p AS (PARTITION BY coalesce(fingerprint, queryid::text)),
           w AS (PARTITION BY coalesce(fingerprint, queryid::text) ORDER BY id DESC))
SELECT fp, calls::float8, total, query, plan::text FROM s WHERE rn <= $1 ORDER BY total DESC, fp, rn
)SQL";

// Catalog sizes and memory settings for the featurizer.
constexpr const char *kRelations = R"SQL(
SELECT n.nspname, c.relname, c.relpages::float8, c.reltuples::float8
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'm', 'p')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'
)SQL";
constexpr const char *kSettings = R"SQL(
SELECT (SELECT setting::float8 FROM pg_catalog.pg_settings WHERE name = 'work_mem'),
       (SELECT setting::float8 FROM pg_catalog.pg_settings WHERE name = 'shared_buffers')
)SQL";

// Registry (concern models of the extension script).
constexpr const char *kRegistered = R"SQL(
SELECT id, path, active FROM autopilot.models WHERE kind = 'latency' ORDER BY active DESC, id DESC LIMIT $1
)SQL";
constexpr const char *kMaxAttempted = R"SQL(
SELECT coalesce(max((metadata->>'max_sample_id')::bigint), 0) FROM autopilot.models WHERE kind = 'latency'
)SQL";
constexpr const char *kRegister = R"SQL(
INSERT INTO autopilot.models (kind, feature_version, path, metadata, metrics, active)
VALUES ('latency', $1, $2, $3::jsonb, $4::jsonb, false) RETURNING id
)SQL";
constexpr const char *kDeactivate =
    "UPDATE autopilot.models SET active = false WHERE kind = 'latency' AND active AND id <> $1";
constexpr const char *kActivate = "UPDATE autopilot.models SET active = true WHERE id = $1 AND NOT active";
constexpr const char *kReplaceClusters = R"SQL(
WITH gone AS (DELETE FROM autopilot.workload_cluster_members)
INSERT INTO autopilot.workload_cluster_members (computed_at, cluster, fingerprint, query, calls, total_ms, tables, silhouette)
SELECT now(), r.cluster, r.fingerprint, r.query, r.calls, r.total_ms,
       ARRAY(SELECT jsonb_array_elements_text(r.tables)), r.silhouette
  FROM jsonb_to_recordset($1::jsonb)
       AS r(cluster int, fingerprint text, query text, calls float8, total_ms float8, tables jsonb, silhouette float8)
)SQL";

constexpr std::size_t kRegistryCandidates = 5;  // how far back load_first may fall
constexpr int kPlansPerStatement = 5;           // plans averaged into a statement's profile
constexpr std::size_t kMaxClustered = 500;      // statements clustered (by time): silhouette is O(n²)

std::size_t parse_count(const Config &c, const std::string &key, std::size_t fallback, std::size_t lo, std::size_t hi)
{
    const auto v = c.extra_value(key);
    if (!v)
        return fallback;
    try {
        std::size_t used = 0;
        const long long n = std::stoll(*v, &used);
        if (used != v->size() || n < static_cast<long long>(lo) || n > static_cast<long long>(hi))
            throw std::invalid_argument("range");
        return static_cast<std::size_t>(n);
    } catch (const std::exception &) {
        throw LearnConfigError(key + ": expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                               "], got \"" + *v + "\"");
    }
}

bool parse_bool(const Config &c, const std::string &key, bool fallback)
{
    const auto v = c.extra_value(key);
    if (!v)
        return fallback;
    if (*v == "true")
        return true;
    if (*v == "false")
        return false;
    throw LearnConfigError(key + ": expected true or false, got \"" + *v + "\"");
}

FeatureContext read_context(pqxx::connection_base &db)
{
    FeatureContext ctx;
    pqxx::read_transaction tx(db);
    for (const auto &row : tx.exec(kRelations))
        ctx.relations[row[0].as<std::string>() + "." + row[1].as<std::string>()] = {row[2].as<double>(),
                                                                                    row[3].as<double>()};
    const auto s = tx.exec1(kSettings);
    if (!s[0].is_null())
        ctx.work_mem_kb = s[0].as<double>();
    if (!s[1].is_null())
        ctx.shared_buffers_pages = s[1].as<double>();
    return ctx;
}

std::vector<std::pair<std::int64_t, Sample>> read_samples(const pqxx::result &r)
{
    std::vector<std::pair<std::int64_t, Sample>> out;
    out.reserve(r.size());
    for (const auto &row : r) {
        Sample s;
        s.fingerprint = row[1].as<std::string>();
        s.total_ms = row[2].as<double>();
        s.plan = nlohmann::json::parse(row[3].c_str(), nullptr, false);
        out.emplace_back(row[0].as<std::int64_t>(), std::move(s));
    }
    return out;
}

// "orders" -> "wh.orders" when exactly one relation of the catalog has that name (plans name
// the schema only under EXPLAIN VERBOSE).
std::string qualified(const std::string &relation, const FeatureContext &context)
{
    if (relation.find('.') != std::string::npos)
        return relation;
    std::string found;
    for (const auto &[key, stats] : context.relations)
        if (key.size() > relation.size() && key.compare(key.size() - relation.size(), relation.size(), relation) == 0 &&
            key[key.size() - relation.size() - 1] == '.') {
            if (!found.empty())
                return relation;  // ambiguous
            found = key;
        }
    return found.empty() ? relation : found;
}

double recorded_random_median(const nlohmann::json &meta)
{
    try {
        return meta.at("metrics").at("splits").at("random").at("model").at("median").get<double>();
    } catch (const nlohmann::json::exception &) {
        return 0;
    }
}

std::optional<QErrorStats> recorded_fingerprint_split(const nlohmann::json &meta)
{
    try {
        const auto &m = meta.at("metrics").at("splits").at("fingerprint").at("model");
        QErrorStats q;
        q.n = m.at("n").get<std::size_t>();
        q.median = m.at("median").get<double>();
        q.p90 = m.at("p90").get<double>();
        q.p95 = m.at("p95").get<double>();
        q.max = m.at("max").get<double>();
        return q;
    } catch (const nlohmann::json::exception &) {
        return std::nullopt;
    }
}

void describe_metrics(Metrics &m)
{
    m.describe("autopilot_model_active", "gauge",
               "1 when a learned latency model judges plans, 0 on the optimizer-cost fallback");
    m.describe("autopilot_model_trainings_total", "counter", "latency models trained, by outcome");
    m.describe("autopilot_model_load_failures_total", "counter",
               "model files refused (corrupt, incompatible, missing)");
    m.describe("autopilot_model_qerror", "gauge", "the active model's held-out Q-error when it was trained");
    m.describe("autopilot_model_training_seconds", "gauge", "time to train the last model (final fit)");
    m.describe("autopilot_workload_clusters", "gauge", "clusters of the latest workload clustering");
}

void publish_model_metrics(Metrics &m, const nlohmann::json &meta, bool active)
{
    m.set("autopilot_model_active", active ? 1 : 0);
    if (!active)
        return;
    for (const char *split : {"fingerprint", "random"})
        for (const char *q : {"median", "p90", "p95"}) {
            try {
                m.set("autopilot_model_qerror",
                      meta.at("metrics").at("splits").at(split).at("model").at(q).get<double>(),
                      std::string("split=\"") + split + "\",quantile=\"" + q + "\"");
            } catch (const nlohmann::json::exception &) {
            }
        }
}

// Runs `work` on a worker thread, calling the heartbeat meanwhile (training may take minutes on
// a large sample set; the watchdog must not kill us for it).
template <class F> auto with_heartbeat(Context &ctx, F work) -> decltype(work())
{
    auto fut = std::async(std::launch::async, std::move(work));
    while (fut.wait_for(std::chrono::seconds(5)) != std::future_status::ready)
        if (ctx.heartbeat)
            ctx.heartbeat();
    return fut.get();
}

class Learner
{
  public:
    Learner(Context &ctx, const LearnOptions &o)
        : ctx_(ctx), o_(o), state_(ctx.state.get<LearnState>()), active_(ctx.state.get<ActiveLatency>())
    {
    }

    void run()
    {
        describe_metrics(ctx_.metrics);
        const FeatureContext context = read_context(ctx_.db);
        if (!state_.loaded)
            load_registered(context);
        else if (state_.model)
            refresh_context(context);
        if (o_.retrain)
            maybe_retrain(context);
        if (o_.cluster)
            maybe_cluster(context);
    }

  private:
    Context &ctx_;
    const LearnOptions &o_;
    LearnState &state_;
    ActiveLatency &active_;

    void use(const StoredModel &m, std::optional<std::int64_t> id, const FeatureContext &context)
    {
        auto model = std::make_shared<const LatencyModel>(m.model);
        state_.model_id = id;
        state_.model_name = m.metadata.value("name", std::filesystem::path(m.path).stem().string());
        state_.from_this_database = id.has_value();
        state_.trained_rows = m.metadata.value("rows", std::size_t{0});
        state_.trained_max_sample_id = id ? m.metadata.value("max_sample_id", std::int64_t{0}) : 0;
        state_.recorded_median_qerror = recorded_random_median(m.metadata);
        state_.fingerprint_split = recorded_fingerprint_split(m.metadata);
        state_.metadata = m.metadata;
        state_.model = model;
        active_.use_model(std::make_shared<const LatencyEstimator>(model, context), state_.model_name);
        publish_model_metrics(ctx_.metrics, state_.metadata, true);
    }

    void refresh_context(const FeatureContext &context)
    {
        // Relation sizes change between cycles; the model does not.
        active_.use_model(std::make_shared<const LatencyEstimator>(state_.model, context), state_.model_name);
    }

    void load_registered(const FeatureContext &context)
    {
        std::vector<std::string> paths;
        std::vector<std::int64_t> ids;
        std::optional<std::int64_t> registered_active;
        {
            pqxx::read_transaction tx(ctx_.db);
            for (const auto &row : tx.exec_params(kRegistered, static_cast<int>(kRegistryCandidates))) {
                ids.push_back(row[0].as<std::int64_t>());
                paths.push_back(row[1].as<std::string>());
                if (row[2].as<bool>())
                    registered_active = ids.back();
            }
            state_.attempted_max_sample_id = tx.exec1(kMaxAttempted)[0].as<std::int64_t>();
        }
        const std::string shipped = default_model_path(o_.models_dir);
        if (std::filesystem::exists(shipped))
            paths.push_back(shipped);
        state_.loaded = true;
        std::vector<std::string> errors;
        const auto loaded = load_first(paths, errors);
        for (const auto &e : errors) {
            log::warning("learn: model refused: " + e);
            ctx_.metrics.add("autopilot_model_load_failures_total");
        }
        if (!loaded) {
            active_.use_fallback();
            publish_model_metrics(ctx_.metrics, {}, false);
            log::info(paths.empty() ? "learn: no latency model yet, plans are judged by the optimizer's cost"
                                    : "learn: no latency model loads, plans are judged by the optimizer's cost");
            return;
        }
        const auto pos = static_cast<std::size_t>(std::find(paths.begin(), paths.end(), loaded->path) - paths.begin());
        const std::optional<std::int64_t> id = pos < ids.size() ? std::optional<std::int64_t>(ids[pos]) : std::nullopt;
        use(*loaded, id, context);
        log::info("learn: using latency model " + state_.model_name + " (" + loaded->path + ")" +
                  (id ? "" : ", the shipped default"));
        if (id && id != registered_active) {
            // The active model was refused: the one that loaded is what judges plans now, say so.
            pqxx::work tx(ctx_.db);
            tx.exec_params(kDeactivate, *id);
            tx.exec_params(kActivate, *id);
            tx.commit();
            log::warning("learn: model " + std::to_string(*id) + " is active instead of the refused one");
        }
    }

    void maybe_retrain(const FeatureContext &context)
    {
        const std::int64_t since = std::max(state_.trained_max_sample_id, state_.attempted_max_sample_id);
        RetrainInputs in;
        std::int64_t max_id = 0;
        {
            pqxx::read_transaction tx(ctx_.db);
            const auto r = tx.exec_params1(kCounts, since);
            in.usable_samples = r[0].as<std::size_t>();
            in.fingerprints = r[1].as<std::size_t>();
            max_id = r[2].as<std::int64_t>();
            in.new_samples = r[3].as<std::size_t>();
        }
        in.have_model = state_.model != nullptr;
        in.model_from_this_database = state_.from_this_database;
        in.trained_rows = state_.trained_rows;
        in.recorded_median_qerror = state_.recorded_median_qerror;
        if (state_.model && in.new_samples >= o_.policy.drift_min_samples)
            measure_drift(context, since, in);
        const std::string reason = retrain_reason(in, o_.policy);
        if (reason.empty()) {
            log::debug("learn: no retraining (" + std::to_string(in.usable_samples) + " usable samples, " +
                       std::to_string(in.new_samples) + " new)");
            return;
        }
        train(context, reason, max_id);
    }

    void measure_drift(const FeatureContext &context, std::int64_t since, RetrainInputs &in)
    {
        std::vector<Sample> recent;
        {
            pqxx::read_transaction tx(ctx_.db);
            for (auto &[id, s] : read_samples(tx.exec_params(kRecentSamples, since, 500)))
                recent.push_back(std::move(s));
        }
        const auto ex = make_examples(recent, context);
        if (ex.empty())
            return;
        std::vector<std::vector<float>> rows;
        std::vector<double> actual, predicted;
        for (const auto &e : ex) {
            rows.push_back(e.features);
            actual.push_back(e.total_ms);
        }
        for (const auto &p : state_.model->predict(rows))
            predicted.push_back(p.ms);
        const auto q = qerror_stats(predicted, actual);
        in.recent_median_qerror = q.median;
        in.recent_evaluated = q.n;
    }

    void train(const FeatureContext &context, const std::string &reason, std::int64_t max_id)
    {
        std::vector<Sample> samples;
        std::int64_t newest = 0;
        {
            pqxx::read_transaction tx(ctx_.db);
            for (auto &[id, s] :
                 read_samples(tx.exec_params(kTrainingSamples, static_cast<std::int64_t>(o_.max_training_samples)))) {
                newest = std::max(newest, id);
                samples.push_back(std::move(s));
            }
        }
        // Never train twice on the same samples, whatever the outcome.
        state_.attempted_max_sample_id = std::max(newest, max_id);
        std::size_t skipped = 0;
        const auto examples = make_examples(samples, context, &skipped);
        std::set<std::string> fps;
        for (const auto &e : examples)
            fps.insert(e.fingerprint);
        if (examples.size() < o_.policy.min_samples || fps.size() < o_.policy.min_fingerprints) {
            log::info("learn: not training: " + std::to_string(examples.size()) + " usable plans of " +
                      std::to_string(fps.size()) + " statements (" + std::to_string(skipped) + " unusable)");
            return;
        }
        log::info("learn: training a latency model (" + reason + ") on " + std::to_string(examples.size()) +
                  " samples of " + std::to_string(fps.size()) + " statements");
        const auto started = std::chrono::steady_clock::now();
        auto [model, ev] =
            with_heartbeat(ctx_, [&] { return LatencyModel::train_and_evaluate(examples, o_.training); });
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

        const auto now = static_cast<std::int64_t>(std::time(nullptr));
        const std::string name = model_name_at(now);
        nlohmann::json meta = training_metadata(o_.training, examples, ev);
        meta["trained_from"] = "autopilot.samples";
        meta["reason"] = reason;
        meta["max_sample_id"] = newest;
        meta["skipped_samples"] = skipped;
        meta["created_at"] = iso8601_utc(now);
        const std::string path = std::filesystem::absolute(ModelStore(o_.models_dir).save(model, name, meta)).string();
        const StoredModel stored = ModelStore::load(path);  // what we will load after a restart

        const bool activate =
            should_activate(state_.fingerprint_split, state_.from_this_database, ev.by_fingerprint.model, o_.policy);
        std::int64_t id = 0;
        {
            pqxx::work tx(ctx_.db);
            id = tx.exec_params1(kRegister, kFeatureVersion, path, stored.metadata.dump(), ev.to_json().dump())[0]
                     .as<std::int64_t>();
            if (activate) {
                tx.exec_params(kDeactivate, id);
                tx.exec_params(kActivate, id);
            }
            tx.commit();
        }
        ctx_.metrics.set("autopilot_model_training_seconds", seconds);
        char figures[256];
        std::snprintf(figures, sizeof figures,
                      "held-out q-error median %.2f p90 %.2f (fingerprint split; cost baseline p90 %.2f), "
                      "%.2f / %.2f (random split), %.1f s",
                      ev.by_fingerprint.model.median, ev.by_fingerprint.model.p90, ev.by_fingerprint.baseline.p90,
                      ev.random.model.median, ev.random.model.p90, seconds);
        if (activate) {
            ctx_.metrics.add("autopilot_model_trainings_total", 1, "result=\"activated\"");
            use(stored, id, context);
            log::info("learn: model " + name + " (id " + std::to_string(id) + ") is active: " + figures);
        } else {
            ctx_.metrics.add("autopilot_model_trainings_total", 1, "result=\"kept_previous\"");
            log::info("learn: model " + name + " (id " + std::to_string(id) +
                      ") is registered but not activated, it is worse than the active one: " + figures);
        }
    }

    void maybe_cluster(const FeatureContext &context)
    {
        std::int64_t max_id = 0;
        {
            pqxx::read_transaction tx(ctx_.db);
            max_id = tx.exec_params1(kCounts, 0)[2].as<std::int64_t>();
        }
        if (max_id == state_.clustered_max_sample_id)
            return;
        std::vector<StatementProfile> profiles;
        std::map<std::string, std::size_t> index;
        std::map<std::string, int> plans;
        {
            pqxx::read_transaction tx(ctx_.db);
            for (const auto &row : tx.exec_params(kProfiles, kPlansPerStatement)) {
                const std::string fp = row[0].as<std::string>();
                auto it = index.find(fp);
                if (it == index.end()) {
                    if (profiles.size() >= kMaxClustered)
                        continue;
                    it = index.emplace(fp, profiles.size()).first;
                    StatementProfile p;
                    p.fingerprint = fp;
                    p.calls = row[1].as<double>();
                    p.total_ms = row[2].as<double>();
                    p.query = row[3].as<std::string>();
                    profiles.push_back(std::move(p));
                }
                StatementProfile &p = profiles[it->second];
                const auto plan = nlohmann::json::parse(row[4].c_str(), nullptr, false);
                try {
                    const auto f = featurize(plan, context);
                    if (p.features.empty())
                        p.features.assign(f.size(), 0.0f);
                    for (std::size_t j = 0; j < f.size(); ++j)
                        p.features[j] += f[j];
                    plans[fp] += 1;
                    for (const auto &relation : plan_relations(plan))
                        if (const std::string t = qualified(relation, context);
                            std::find(p.tables.begin(), p.tables.end(), t) == p.tables.end())
                            p.tables.push_back(t);
                } catch (const PlanError &) {
                }
            }
        }
        std::vector<StatementProfile> usable;
        for (auto &p : profiles) {
            const int n = plans[p.fingerprint];
            if (n == 0)
                continue;
            for (auto &x : p.features)
                x /= static_cast<float>(n);
            usable.push_back(std::move(p));
        }
        state_.clustered_max_sample_id = max_id;
        if (usable.empty())
            return;
        const WorkloadClustering c = cluster_workload(usable);
        nlohmann::json rows = nlohmann::json::array();
        for (std::size_t i = 0; i < usable.size(); ++i)
            rows.push_back({{"cluster", c.cluster_of[i]},
                            {"fingerprint", usable[i].fingerprint},
                            {"query", usable[i].query},
                            {"calls", usable[i].calls},
                            {"total_ms", usable[i].total_ms},
                            {"tables", usable[i].tables},
                            {"silhouette", c.silhouette}});
        {
            pqxx::work tx(ctx_.db);
            tx.exec_params(kReplaceClusters, rows.dump());
            tx.commit();
        }
        ctx_.metrics.set("autopilot_workload_clusters", static_cast<double>(c.clusters.size()));
        log::info("learn: " + std::to_string(usable.size()) + " statements in " + std::to_string(c.clusters.size()) +
                  " workload clusters");
    }
};

}  // namespace

std::string default_model_path(const std::string &models_dir)
{
    return (std::filesystem::path(models_dir) / "latency-default.meta.json").string();
}

LearnOptions learn_options(const Config &c)
{
    // [model] keys reach us as extras: a misspelled one must not be silently ignored.
    static const std::set<std::string> known = {
        "model.min_samples", "model.min_fingerprints", "model.max_training_samples",
        "model.members",     "model.rounds",           "model.threads",
        "model.retrain",     "model.cluster"};
    for (const auto &[key, value] : c.extra)
        if (key.rfind("model.", 0) == 0 && !known.count(key))
            throw LearnConfigError(key + ": unknown key");
    LearnOptions o;
    o.models_dir = c.models_dir;
    o.policy.min_samples = parse_count(c, "model.min_samples", o.policy.min_samples, 10, 100000000);
    o.policy.min_fingerprints = parse_count(c, "model.min_fingerprints", o.policy.min_fingerprints, 2, 1000000);
    o.max_training_samples =
        parse_count(c, "model.max_training_samples", o.max_training_samples, o.policy.min_samples, 10000000);
    o.training.members = static_cast<int>(parse_count(c, "model.members", 5, 1, 50));
    o.training.rounds = static_cast<int>(parse_count(c, "model.rounds", 300, 1, 10000));
    o.training.threads = static_cast<int>(parse_count(c, "model.threads", 2, 1, 64));
    o.retrain = parse_bool(c, "model.retrain", true);
    o.cluster = parse_bool(c, "model.cluster", true);
    return o;
}

void LearnStep::run(Context &ctx)
{
    const LearnOptions o = learn_options(ctx.config);
    Learner(ctx, o).run();
}

}  // namespace autopilot
