// Model files. A checksum per member catches truncated or edited files before XGBoost parses
// them; the feature version and feature count catch models of another featurizer.
#include "model_store.hpp"

#include "autopilot/version.hpp"
#include "xgb.hpp"

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace autopilot
{
namespace
{

namespace fs = std::filesystem;

std::string fnv1a_hex(const std::string &s)
{
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : s)
        h = (h ^ c) * 0x100000001b3ULL;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

void write_atomically(const fs::path &path, const std::string &content)
{
    const fs::path tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << content;
        out.flush();
        if (!out)
            throw std::runtime_error("cannot write " + tmp.string());
    }
    fs::rename(tmp, path);
}

std::string read_file(const fs::path &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ModelLoadError("cannot open " + path.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

std::string iso8601_utc(std::int64_t unix_seconds)
{
    const std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string model_name_at(std::int64_t unix_seconds)
{
    const std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "latency-%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

std::string ModelStore::save(const LatencyModel &model, const std::string &name, const nlohmann::json &extra) const
{
    fs::create_directories(dir_);
    nlohmann::json meta = extra.is_object() ? extra : nlohmann::json::object();
    meta["format"] = kModelFormat;
    meta["format_version"] = kModelFormatVersion;
    meta["kind"] = "latency";
    meta["name"] = name;
    meta["feature_version"] = kFeatureVersion;
    meta["feature_names"] = feature_names();
    meta["log_cost_scale"] = model.log_cost_scale();
    meta["residual_q80"] = model.residual_q80();
    meta["target"] = to_string(model.target());
    meta["xgboost_version"] = xgb::library_version();
    meta["autopilot_version"] = kVersion;
    if (!meta.contains("created_at"))
        meta["created_at"] = iso8601_utc(std::time(nullptr));
    meta["members"] = nlohmann::json::array();
    const auto members = model.members_json();
    for (std::size_t k = 0; k < members.size(); ++k) {
        const std::string file = name + ".m" + std::to_string(k) + ".json";
        write_atomically(fs::path(dir_) / file, members[k]);
        meta["members"].push_back({{"file", file}, {"fnv1a64", fnv1a_hex(members[k])}, {"bytes", members[k].size()}});
    }
    const fs::path meta_path = fs::path(dir_) / (name + ".meta.json");
    write_atomically(meta_path, meta.dump(2) + "\n");
    return meta_path.string();
}

StoredModel ModelStore::load(const std::string &meta_path)
{
    const fs::path path(meta_path);
    nlohmann::json meta;
    try {
        meta = nlohmann::json::parse(read_file(path));
    } catch (const nlohmann::json::exception &e) {
        throw ModelLoadError("model metadata " + meta_path + " is not valid JSON: " + e.what());
    }
    if (!meta.is_object() || meta.value("format", "") != kModelFormat)
        throw ModelLoadError("model metadata " + meta_path + " is not an autopilot latency model");
    if (meta.value("format_version", 0) != kModelFormatVersion)
        throw ModelLoadError("model " + meta_path + " has format version " +
                             std::to_string(meta.value("format_version", 0)) + ", this daemon reads " +
                             std::to_string(kModelFormatVersion));
    if (meta.value("feature_version", 0) != kFeatureVersion)
        throw ModelLoadError("model " + meta_path + " was trained with feature version " +
                             std::to_string(meta.value("feature_version", 0)) + ", this daemon computes version " +
                             std::to_string(kFeatureVersion) + " (retrain it)");
    if (!meta.contains("members") || !meta["members"].is_array() || meta["members"].empty())
        throw ModelLoadError("model metadata " + meta_path + " lists no member files");
    // Models written before the target was recorded learned ln(ms).
    const std::string target_name = meta.value("target", "log_ms");
    const auto target = target_from_string(target_name);
    if (!target)
        throw ModelLoadError("model " + meta_path + " predicts an unknown target \"" + target_name + "\"");
    std::vector<std::string> members;
    for (const auto &m : meta["members"]) {
        const fs::path file = path.parent_path() / m.value("file", "");
        const std::string content = read_file(file);
        if (fnv1a_hex(content) != m.value("fnv1a64", ""))
            throw ModelLoadError("model file " + file.string() + " is corrupt (checksum mismatch)");
        members.push_back(content);
    }
    try {
        return {LatencyModel::from_parts(members, meta.value("log_cost_scale", 0.0), meta.value("residual_q80", 0.5),
                                         *target),
                meta, meta_path};
    } catch (const std::exception &e) {
        throw ModelLoadError("model " + meta_path + " cannot be loaded: " + e.what());
    }
}

nlohmann::json training_metadata(const TrainingOptions &o, const std::vector<Example> &examples, const Evaluation &ev)
{
    std::set<std::string> fps;
    for (const auto &e : examples)
        fps.insert(e.fingerprint);
    return {{"rows", examples.size()},
            {"fingerprints", fps.size()},
            {"metrics", ev.to_json()},
            {"params",
             {{"members", o.members},
              {"rounds", o.rounds},
              {"max_depth", o.max_depth},
              {"eta", o.eta},
              {"subsample", o.subsample},
              {"colsample_bytree", o.colsample},
              {"min_child_weight", o.min_child_weight},
              {"lambda", o.lambda},
              {"seed", o.seed},
              {"balance_fingerprints", o.balance_fingerprints}}}};
}

std::optional<StoredModel> load_first(const std::vector<std::string> &meta_paths, std::vector<std::string> &errors)
{
    for (const auto &p : meta_paths) {
        try {
            return ModelStore::load(p);
        } catch (const std::exception &e) {
            errors.push_back(e.what());
        }
    }
    return std::nullopt;
}

}  // namespace autopilot
