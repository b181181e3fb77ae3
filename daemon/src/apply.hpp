// The apply stage: build approved indexes with CREATE INDEX CONCURRENTLY under lock_timeout, with
// retries and back-off, tag them, and drop the indexes of reverted recommendations. Nothing is
// built without an approval, and no build leaves an INVALID or untagged index behind.
#pragma once

#include "step.hpp"

#include <string>

namespace autopilot
{

struct BuildTarget {
    long id = 0;
    std::string schema, table, index;
    long long estimated_bytes = 0;
    bool partitioned = false;  // on a partitioned table: built per partition (autopilot.build_steps)
};

class ApplyStep : public CycleStep
{
  public:
    std::string_view name() const override { return "apply"; }
    void run(Context &ctx) override;
};

// Drops the indexes of recommendations in status reverting (admin revert, or a regression).
void process_reverts(Context &ctx);

// Records the pg_stat_statements counters of the affected statements (verify's "before").
void record_baseline(Context &ctx, long id);

}  // namespace autopilot
