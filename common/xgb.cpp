// XGBoost C API calls, each checked: a non-zero return becomes xgb::Error with the library's
// last error message (thread-local in XGBoost, so read it right after the failing call).
#include "xgb.hpp"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <xgboost/c_api.h>

namespace autopilot::xgb
{
namespace
{

void check(int rc, const char *what)
{
    if (rc != 0) {
        const char *msg = XGBGetLastError();
        throw Error(std::string("xgboost: ") + what + " failed: " + (msg && *msg ? msg : "unknown error"));
    }
}

}  // namespace

DMatrix::DMatrix(const std::vector<float> &data, std::size_t rows, std::size_t cols)
{
    if (rows == 0 || cols == 0)
        throw Error("xgboost: a matrix needs at least one row and one column");
    if (data.size() != rows * cols)
        throw Error("xgboost: matrix data has " + std::to_string(data.size()) + " values, expected " +
                    std::to_string(rows * cols));
    DMatrixHandle h = nullptr;
    check(XGDMatrixCreateFromMat(data.data(), static_cast<bst_ulong>(rows), static_cast<bst_ulong>(cols),
                                 std::numeric_limits<float>::quiet_NaN(), &h),
          "creating a matrix");
    handle_ = h;
}

DMatrix &DMatrix::operator=(DMatrix &&other) noexcept
{
    if (this != &other) {
        if (handle_)
            XGDMatrixFree(handle_);
        handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
}

DMatrix::~DMatrix()
{
    if (handle_)
        XGDMatrixFree(handle_);
}

void DMatrix::set_labels(const std::vector<float> &labels)
{
    if (labels.size() != rows())
        throw Error("xgboost: " + std::to_string(labels.size()) + " labels for " + std::to_string(rows()) + " rows");
    check(XGDMatrixSetFloatInfo(handle_, "label", labels.data(), static_cast<bst_ulong>(labels.size())),
          "setting labels");
}

void DMatrix::set_weights(const std::vector<float> &weights)
{
    if (weights.size() != rows())
        throw Error("xgboost: " + std::to_string(weights.size()) + " weights for " + std::to_string(rows()) + " rows");
    check(XGDMatrixSetFloatInfo(handle_, "weight", weights.data(), static_cast<bst_ulong>(weights.size())),
          "setting weights");
}

std::size_t DMatrix::rows() const
{
    bst_ulong n = 0;
    check(XGDMatrixNumRow(handle_, &n), "counting rows");
    return static_cast<std::size_t>(n);
}

std::size_t DMatrix::cols() const
{
    bst_ulong n = 0;
    check(XGDMatrixNumCol(handle_, &n), "counting columns");
    return static_cast<std::size_t>(n);
}

Booster::Booster()
{
    BoosterHandle h = nullptr;
    check(XGBoosterCreate(nullptr, 0, &h), "creating a booster");
    handle_ = h;
}

Booster &Booster::operator=(Booster &&other) noexcept
{
    if (this != &other) {
        if (handle_)
            XGBoosterFree(handle_);
        handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
}

Booster::~Booster()
{
    if (handle_)
        XGBoosterFree(handle_);
}

Booster Booster::train(const DMatrix &train, const Params &params, int rounds)
{
    if (rounds < 1)
        throw Error("xgboost: training needs at least one round");
    Booster b;
    // Replace the empty booster with one that knows its training matrix (XGBoost caches it).
    BoosterHandle h = nullptr;
    DMatrixHandle dm[] = {train.handle()};
    check(XGBoosterCreate(dm, 1, &h), "creating a booster");
    XGBoosterFree(b.handle_);
    b.handle_ = h;
    for (const auto &[k, v] : params)
        b.set_param(k, v);
    for (int i = 0; i < rounds; ++i)
        b.update(i, train);
    return b;
}

void Booster::set_param(const std::string &name, const std::string &value)
{
    check(XGBoosterSetParam(handle_, name.c_str(), value.c_str()), ("setting parameter " + name).c_str());
}

void Booster::update(int iteration, const DMatrix &train)
{
    check(XGBoosterUpdateOneIter(handle_, iteration, train.handle()), "training");
}

std::vector<float> Booster::predict_type(const DMatrix &data, int type) const
{
    const std::string config =
        R"({"type": )" + std::to_string(type) +
        R"(, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false})";
    const bst_ulong *shape = nullptr;
    bst_ulong dim = 0;
    const float *out = nullptr;
    check(XGBoosterPredictFromDMatrix(handle_, data.handle(), config.c_str(), &shape, &dim, &out), "predicting");
    std::size_t n = 1;
    for (bst_ulong i = 0; i < dim; ++i)
        n *= static_cast<std::size_t>(shape[i]);
    return std::vector<float>(out, out + n);
}

std::vector<float> Booster::predict(const DMatrix &data) const
{
    return predict_type(data, 0);
}

std::vector<float> Booster::predict_contribs(const DMatrix &data) const
{
    return predict_type(data, 2);
}

std::string Booster::to_json() const
{
    bst_ulong len = 0;
    const char *buf = nullptr;
    check(XGBoosterSaveModelToBuffer(handle_, R"({"format": "json"})", &len, &buf), "saving the model");
    return std::string(buf, static_cast<std::size_t>(len));
}

Booster Booster::from_json(const std::string &json)
{
    // XGBoost picks its binary loader for anything not starting with '{', and that loader trusts
    // its input: validate the document first so a corrupt file is a clear error, not a crash.
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(json);
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("xgboost: the model is not valid JSON: ") + e.what());
    }
    if (!doc.is_object() || !doc.contains("learner") || !doc["learner"].is_object() || !doc.contains("version"))
        throw Error("xgboost: the JSON document is not an XGBoost model (no \"learner\" or \"version\")");
    Booster b;
    check(XGBoosterLoadModelFromBuffer(b.handle_, json.data(), static_cast<bst_ulong>(json.size())),
          "loading the model");
    return b;
}

void Booster::save(const std::string &path) const
{
    const std::string json = to_json();
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << json;
        out.flush();
        if (!out)
            throw Error("xgboost: cannot write " + tmp);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
        throw Error("xgboost: cannot rename " + tmp + " to " + path);
}

Booster Booster::load(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("xgboost: cannot open model file " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    try {
        return from_json(ss.str());
    } catch (const Error &e) {
        throw Error(std::string(e.what()) + " (file " + path + ")");
    }
}

int Booster::rounds() const
{
    int n = 0;
    check(XGBoosterBoostedRounds(handle_, &n), "counting rounds");
    return n;
}

std::size_t Booster::num_features() const
{
    bst_ulong n = 0;
    check(XGBoosterGetNumFeature(handle_, &n), "counting features");
    return static_cast<std::size_t>(n);
}

std::string library_version()
{
    int major = 0, minor = 0, patch = 0;
    XGBoostVersion(&major, &minor, &patch);
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

}  // namespace autopilot::xgb
