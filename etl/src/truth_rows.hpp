// Rows of schema truth for one load: the demand process, planted anomalies, latent segments,
// planted dirt and attribute changes (etl/sql/truth.sql documents each table).
#pragma once

#include "bronze_rows.hpp"

namespace autopilot::etl {

struct TruthTable {
    std::string table;    // schema-qualified
    std::string columns;
    void (*write)(const LoadContext &, RowWriter &);
};

// The tables truth gets for this load, in load order (planted dirt and attribute changes are
// written separately: they come from the bronze writers).
const std::vector<TruthTable> &truth_tables();

void write_planted_dirt(const LoadContext &ctx, const DirtLog &dirt, RowWriter &w);
void write_attribute_changes(const LoadContext &ctx, const std::vector<AttributeChange> &changes, RowWriter &w);

}  // namespace autopilot::etl
