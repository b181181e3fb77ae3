// The index size model (extension/hypo_size.cpp), checked against indexes PostgreSQL 15 built
// (pg_relation_size figures from tests/integration/test_hypo_size.sh's table of 120000 rows).
#include "hypo_size.hpp"

#include <catch2/catch.hpp>

using autopilot::ColumnLayout;
using autopilot::IndexKind;
using autopilot::IndexShapeInput;
using autopilot::estimate_index_size;

namespace {

const ColumnLayout kInt4{4, 4, 'i', false, 0};
const ColumnLayout kInt8{8, 8, 'd', false, 0};

IndexShapeInput hash_on_int4(double tuples, double distinct = -1)
{
    IndexShapeInput in;
    in.kind = IndexKind::hash;
    in.columns = &kInt4;
    in.ncolumns = 1;
    in.tuples = tuples;
    in.distinct_keys = distinct;
    return in;
}

IndexShapeInput btree(const ColumnLayout *cols, int n, double tuples)
{
    IndexShapeInput in;
    in.columns = cols;
    in.ncolumns = n;
    in.key_columns = n;
    in.tuples = tuples;
    return in;
}

}  // namespace

TEST_CASE("a unique int4 B-tree on 120000 rows has the built index's 332 pages and height 2")
{
    auto est = estimate_index_size(btree(&kInt4, 1, 120000));
    CHECK(est.pages == 332);
    CHECK(est.tree_height == 2);
}

TEST_CASE("an int8 B-tree takes as many pages as an int4 one, both tuples being 16 bytes")
{
    CHECK(estimate_index_size(btree(&kInt8, 1, 120000)).pages == estimate_index_size(btree(&kInt4, 1, 120000)).pages);
}

TEST_CASE("an empty B-tree is its metapage and a one-row B-tree has a root leaf")
{
    CHECK(estimate_index_size(btree(&kInt4, 1, 0)).pages == 1);
    auto one = estimate_index_size(btree(&kInt4, 1, 1));
    CHECK(one.pages == 2);
    CHECK(one.tree_height == 0);
}

TEST_CASE("deduplication packs a 20-value column into posting lists, as CREATE INDEX does")
{
    auto in = btree(&kInt4, 1, 120000);
    in.distinct_keys = 20;
    in.deduplicate = true;
    auto est = estimate_index_size(in);
    CHECK(est.pages == Approx(105).margin(3));  // built: 860160 bytes
    in.deduplicate = false;
    CHECK(estimate_index_size(in).pages > 3 * est.pages);
}

TEST_CASE("a lower leaf fillfactor makes a B-tree proportionally larger")
{
    auto in = btree(&kInt4, 1, 120000);
    in.fillfactor = 70;
    CHECK(estimate_index_size(in).pages == 427);  // built: 3497984 bytes
}

TEST_CASE("short varlenas are stored with a 1-byte header and no alignment")
{
    const ColumnLayout cols[] = {kInt4, {6, -1, 'i', true, 0}, {13, -1, 'i', true, 0}};
    CHECK(autopilot::tuple_data_width(cols, 3) == 23);
    const ColumnLayout plain[] = {{3, 2, 's', false, 0}, kInt4};
    CHECK(autopilot::tuple_data_width(plain, 2) == 8);  // 3 bytes, padded to 4, then an int4
}

TEST_CASE("NULLs take no data space")
{
    const ColumnLayout half_null{4, 4, 'i', false, 0.5};
    CHECK(autopilot::tuple_data_width(&half_null, 1) == 2);
}

TEST_CASE("a hash index has PostgreSQL's bucket count for its row estimate")
{
    CHECK(estimate_index_size(hash_on_int4(120000)).pages == 514);  // built: 4210688 bytes = 512 buckets + meta + bitmap
}

TEST_CASE("a hash index on few distinct values overflows its buckets")
{
    CHECK(estimate_index_size(hash_on_int4(120000, 20)).pages == Approx(794).epsilon(0.05));  // built: 6504448 bytes
}

TEST_CASE("a BRIN index is a metapage, a revmap page and a page of summaries for a small table")
{
    IndexShapeInput in;
    in.kind = IndexKind::brin;
    in.columns = &kInt4;
    in.ncolumns = 1;
    in.tuples = 120000;
    in.heap_pages = 1000;
    auto est = estimate_index_size(in);
    CHECK(est.pages == 3);
    CHECK(est.tree_height == -1);
}
