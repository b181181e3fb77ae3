// The ETL pipeline of `autopilot-etl run` as data: the DDL it applies, its steps in order (each a
// SQL file run in one transaction), the tables each step writes (analyzed after it), and how a
// step's figures are reported. Pure: no database here (cmd_run.cpp does the I/O).
#pragma once

#include <string>
#include <vector>

namespace autopilot::etl {

struct PipelineStep {
    std::string name;                  // also the step's watermark key in etl.watermarks
    std::string file;                  // relative to the SQL directory
    std::vector<std::string> analyze;  // tables to ANALYZE when the step wrote rows
    std::vector<std::string> after;    // steps whose tables this one reads: they commit first
};

// DDL files applied (idempotently) before every run, in order.
const std::vector<std::string> &pipeline_ddl();

// The bronze tables the silver steps read (analyzed before a run that has new batches to read,
// since the generator's COPY leaves them without statistics).
const std::vector<std::string> &bronze_tables();

// bronze -> silver -> gold, in dependency order (each step's `after` lists earlier steps only).
const std::vector<PipelineStep> &pipeline_steps();

enum class StepState { pending, running, done, failed };

// The first pending step (in table order) whose `after` steps are all done, or -1 when none is
// ready now (all done, or the rest wait for running or failed steps). `state` is indexed like steps.
int next_ready_step(const std::vector<PipelineStep> &steps, const std::vector<StepState> &state);

struct StepFigures {
    long long rows_in = 0;
    long long rows_out = 0;
    long long rows_rejected = 0;
    double elapsed_ms = 0;
};

// "silver.orders            in 112512  out 112501  rejected 11  1.23 s"
std::string format_step_line(const std::string &step, const StepFigures &f);

// Thousands separators for log lines: 7286454 -> "7,286,454".
std::string group_digits(long long n);

// Advisory lock key that serializes `autopilot-etl run` per database ("autopilot-etl run" as text
// hashed to a stable 64-bit constant, so it is documented and never collides with a small integer).
constexpr long long kRunLockKey = 0x6175746f706c6574LL;  // "autoplet"

}  // namespace autopilot::etl
