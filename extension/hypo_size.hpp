// The on-disk size of an index that does not exist, modelled from the table's statistics.
// Pure C++ over plain data (no PostgreSQL headers), so the model is unit-tested without a server;
// extension/hypo_index.cpp fills the inputs from pg_class, pg_stats and the catalog.
#pragma once

#include <cstddef>
#include <cstdint>

namespace autopilot {

enum class IndexKind { btree, hash, brin };

// One index column as stored: the average width of a value and how PostgreSQL lays it out.
struct ColumnLayout {
    double avg_width = 4;        // average datum width in bytes (pg_stats.avg_width, or the type's length)
    int typlen = 4;              // pg_type.typlen: > 0 fixed, -1 varlena, -2 cstring
    char typalign = 'i';         // pg_type.typalign: c, s, i, d
    bool packable = true;        // varlena that may get a 1-byte header (typstorage <> 'p')
    double null_frac = 0;        // fraction of NULLs (pg_stats.null_frac)
};

struct IndexShapeInput {
    IndexKind kind = IndexKind::btree;
    const ColumnLayout *columns = nullptr;  // key columns first, then INCLUDE columns (not owned)
    int ncolumns = 0;
    int key_columns = 1;
    double tuples = 0;            // index entries: the table's rows times the partial predicate's selectivity
    double heap_pages = 0;        // the table's pages (BRIN summarises ranges of them)
    double distinct_keys = -1;    // distinct key combinations among `tuples`; < 0 when unknown
    bool deduplicate = false;     // B-tree deduplication applies (equalimage opclasses, no INCLUDE, not unique)
    int fillfactor = 0;           // 0: the access method's default
    int pages_per_range = 128;    // BRIN
    int block_size = 8192;
};

struct IndexSizeEstimate {
    double pages = 1;      // total pages, metapage included
    double leaf_pages = 0;
    int tree_height = -1;  // B-tree levels above the leaves (0: the root is a leaf); -1 for other AMs
    double tuples = 0;     // index entries (rows the partial predicate keeps); set by the caller
    double bytes() const { return pages * 8192.0; }
};

// Estimates pages and tree height as CREATE INDEX would build the index. Allocates nothing and
// never throws, so the planner hook may call it.
IndexSizeEstimate estimate_index_size(const IndexShapeInput &in) noexcept;

// The width a value of this column takes inside an index tuple (1-byte varlena headers for short
// packable values, which are also not aligned), and the alignment it needs.
double stored_width(const ColumnLayout &c) noexcept;

// Size of an index tuple's data part (after the header) for the first `count` columns, alignment
// included; `repeat` stores each column that many times in a row (BRIN minmax keeps min and max).
double tuple_data_width(const ColumnLayout *columns, std::size_t count, int repeat = 1) noexcept;

}  // namespace autopilot
