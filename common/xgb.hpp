// A small RAII C++ wrapper over XGBoost's C API (libxgboost 1.7): dense matrices, training,
// prediction, feature contributions, JSON save/load. Every failing call throws xgb::Error with
// XGBGetLastError()'s text; handles are freed by destructors.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace autopilot::xgb
{

class Error : public std::runtime_error
{
  public:
    using std::runtime_error::runtime_error;
};

// A dense row-major matrix of float features; NaN marks a missing value.
class DMatrix
{
  public:
    // `data` holds rows × cols values, row after row.
    DMatrix(const std::vector<float> &data, std::size_t rows, std::size_t cols);
    DMatrix(DMatrix &&other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
    DMatrix &operator=(DMatrix &&other) noexcept;
    DMatrix(const DMatrix &) = delete;
    DMatrix &operator=(const DMatrix &) = delete;
    ~DMatrix();

    void set_labels(const std::vector<float> &labels);
    void set_weights(const std::vector<float> &weights);
    std::size_t rows() const;
    std::size_t cols() const;
    void *handle() const { return handle_; }

  private:
    void *handle_ = nullptr;
};

using Params = std::vector<std::pair<std::string, std::string>>;

class Booster
{
  public:
    Booster();  // an untrained booster (load into it, or use train())
    Booster(Booster &&other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
    Booster &operator=(Booster &&other) noexcept;
    Booster(const Booster &) = delete;
    Booster &operator=(const Booster &) = delete;
    ~Booster();

    // Trains `rounds` boosting rounds on `train` (labels set) with `params`
    // (e.g. {"objective","reg:squarederror"}, {"max_depth","6"}, {"eta","0.1"}, {"seed","7"}).
    static Booster train(const DMatrix &train, const Params &params, int rounds);

    void set_param(const std::string &name, const std::string &value);
    void update(int iteration, const DMatrix &train);

    // One prediction per row.
    std::vector<float> predict(const DMatrix &data) const;
    // SHAP contributions: rows × (cols + 1) values, the last column of each row is the bias;
    // a row's contributions sum to its (margin) prediction.
    std::vector<float> predict_contribs(const DMatrix &data) const;

    std::string to_json() const;
    // Refuses anything that is not an XGBoost JSON model with Error (never hands garbage to the
    // library's binary loader).
    static Booster from_json(const std::string &json);
    void save(const std::string &path) const;  // writes to_json() atomically (temp file + rename)
    static Booster load(const std::string &path);

    int rounds() const;
    std::size_t num_features() const;
    void *handle() const { return handle_; }

  private:
    std::vector<float> predict_type(const DMatrix &data, int type) const;
    void *handle_ = nullptr;
};

// The library's version, e.g. "1.7.4".
std::string library_version();

}  // namespace autopilot::xgb
