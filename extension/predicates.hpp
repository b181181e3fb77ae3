// Predicate columns of an executed plan: for every relation, the columns its quals compare (equality,
// range, IN, LIKE, IS NULL), the columns joins match on, and the sort and group-by columns, with the
// operator and the estimated and actual selectivity of the scan that applied them.
#pragma once

#include "pg.hpp"

#include "json_text.hpp"
#include "plan_tree.hpp"

namespace autopilot {

struct PredicateColumn {
    Oid relid;
    const char *schema;
    const char *table;
    const char *column;
    int attnum;
    const char *kind;  // eq, range, in, like, null, join, sort, group
    const char *op;    // the operator ("=", "<", "~~", "IS NULL", "asc"...), may be null
    PlanState *scan;   // the scan that filtered with it (selectivity), or null
    double reltuples;  // the relation's pg_class.reltuples when the statement started
};

struct PredicateSet {
    PredicateColumn *items = nullptr;
    int count = 0;
    int capacity = 0;
};

// Walks query->planstate and collects its predicate columns. Runs when a sampled statement starts
// (catalog lookups for names and operators; may ereport); allocates in CurrentMemoryContext.
void extract_predicates(const QueryDesc *query, const RelationNames &names, PredicateSet *out);

// Writes the set as the contract's JSON array, with selectivities from the instrumentation counted so
// far. Entries that do not fit are left out and *truncated is set. No allocation, no catalog access.
void write_predicates(const PredicateSet &set, JsonWriter &out, bool *truncated) noexcept;

}  // namespace autopilot
