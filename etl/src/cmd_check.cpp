// autopilot-etl check: runs etl/sql/checks.sql in one snapshot, stores the results in
// etl.quality_results and prints them; exit 1 when a critical check fails.
#include "cli.hpp"
#include "commands.hpp"
#include "sql_files.hpp"
#include "warehouse_db.hpp"

#include <cstdio>
#include <pqxx/pqxx>

namespace autopilot::etl {

namespace {

const std::vector<OptionSpec> &check_options()
{
    static const std::vector<OptionSpec> specs = {
        {"--failures-only", "", false, "", "print only the checks that failed"},
    };
    return specs;
}

}  // namespace

int cmd_check(const CommandArgs &args)
{
    const ParsedOptions opts = parse_options(check_options(), args);
    if (opts.has("--help")) {
        std::printf("usage: autopilot-etl check [OPTIONS]\n\nReconciliation, uniqueness, not-null, referential, "
                    "range, SCD2 and freshness checks;\nresults in etl.quality_results. Exit 1 when a critical "
                    "check fails.\n\n%s",
                    options_help(check_options()).c_str());
        return kExitOk;
    }
    const bool failures_only = opts.has("--failures-only");
    pqxx::connection conn(opts.conninfo());
    require_schemas(conn, {"bronze"}, "run `autopilot-etl generate` first");
    require_schemas(conn, {"etl", "silver", "gold"}, "run `autopilot-etl run` first");
    apply_batch_settings(conn, "256MB");
    {
        pqxx::nontransaction nt(conn);
        nt.exec("SET application_name = 'autopilot-etl check'");
    }

    pqxx::transaction<pqxx::isolation_level::repeatable_read> tx(conn, "check");
    const long long check_run_id =
        tx.exec("INSERT INTO etl.quality_runs DEFAULT VALUES RETURNING check_run_id")[0][0].as<long long>();
    tx.exec_params("SELECT set_config('etl.check_run_id', $1, true)", std::to_string(check_run_id));
    tx.exec(read_sql("checks.sql"));
    const auto counts = tx.exec_params(
        "UPDATE etl.quality_runs q SET passed = c.passed, failed = c.failed, critical_failed = c.critical_failed "
        "FROM (SELECT count(*) FILTER (WHERE passed) AS passed, count(*) FILTER (WHERE NOT passed) AS failed, "
        "count(*) FILTER (WHERE NOT passed AND severity = 'critical') AS critical_failed "
        "FROM etl.quality_results WHERE check_run_id = $1) c WHERE q.check_run_id = $1 "
        "RETURNING q.passed, q.failed, q.critical_failed",
        check_run_id);
    const auto rows = tx.exec_params(
        "SELECT check_name, severity, passed, coalesce(observed::text, ''), coalesce(detail, '') "
        "FROM etl.quality_results WHERE check_run_id = $1 ORDER BY passed, check_name",
        check_run_id);
    tx.commit();

    for (const auto &r : rows) {
        const bool passed = r[2].as<bool>();
        if (failures_only && passed)
            continue;
        const std::string status = passed ? "ok" : (r[1].as<std::string>() == "critical" ? "FAIL" : "warn");
        std::printf("%-5s %-48s %12s  %s\n", status.c_str(), r[0].c_str(), r[3].c_str(), r[4].c_str());
    }
    const long long passed = counts[0][0].as<long long>();
    const long long failed = counts[0][1].as<long long>();
    const long long critical = counts[0][2].as<long long>();
    std::printf("check run %lld: %lld passed, %lld failed (%lld critical)\n", check_run_id, passed, failed, critical);
    return critical > 0 ? kExitFailure : kExitOk;
}

}  // namespace autopilot::etl
