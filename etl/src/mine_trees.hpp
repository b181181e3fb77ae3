// An XGBoost model as plain arrays of tree nodes, read from its JSON, so SQL can evaluate it
// (mining.authenticity_trees, mining.score_listing) and C++ can check that SQL agrees with the
// library. Each node also carries its cover-weighted mean value: the reference of the path
// contributions (Saabas 2014; XGBoost's approx_contribs) that explain a score in words.
#pragma once

#include <string>
#include <vector>

namespace autopilot::mining {

struct TreeArrays {
    std::vector<int> split_feature;  // -1 on leaves
    std::vector<float> threshold;
    std::vector<int> left, right;
    std::vector<bool> default_left;
    std::vector<double> leaf_value;  // 0 on inner nodes
    std::vector<double> mean_value;
};

struct TreeModel {
    double base_margin = 0;  // logit(base_score) for binary:logistic
    std::vector<TreeArrays> trees;
};

// Parses XGBoost's JSON model (1.7 format). Throws std::runtime_error on anything else.
TreeModel parse_tree_model(const std::string &json);

struct TreeScore {
    double margin = 0;
    std::vector<double> contributions;  // per feature, path-based (approximate SHAP)
};
// NaN features follow each split's default branch; comparisons in single precision like XGBoost.
TreeScore score_trees(const TreeModel &m, const std::vector<float> &features);

// Postgres array literal ('{1,2,3}') of numbers, for writing the arrays with parameters.
std::string pg_array(const std::vector<int> &v);
std::string pg_array(const std::vector<float> &v);
std::string pg_array(const std::vector<double> &v);
std::string pg_array(const std::vector<bool> &v);

}  // namespace autopilot::mining
