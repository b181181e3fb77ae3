// The index size model: how many pages CREATE INDEX would write for btree, hash and BRIN, from the
// page layouts in access/nbtree.h, access/hash.h and access/brin_*.h (PostgreSQL 15, 8 kB blocks).
// B-tree: leaves filled to fillfactor by the bottom-up build, posting lists for duplicates
// (deduplication), pivot tuples on inner pages filled to 70%, tree height from the fan-out.
#include "hypo_size.hpp"

#include <algorithm>
#include <cmath>

#include "pure.hpp"

namespace autopilot {

namespace {

constexpr double kMaxAlign = 8;
constexpr double kPageHeader = 24;     // SizeOfPageHeaderData
constexpr double kItemId = 4;          // sizeof(ItemIdData)
constexpr double kIndexTupleHeader = 8;  // sizeof(IndexTupleData)
constexpr double kNullBitmapHeader = 16; // MAXALIGN(IndexTupleData + IndexAttributeBitMapData)
constexpr double kHeapTid = 6;         // sizeof(ItemPointerData), one per TID in a posting list
constexpr double kShortVarlenaMax = 126;  // VARATT_SHORT_MAX - 1: longer values keep a 4-byte header

double max_align(double n) { return std::ceil(n / kMaxAlign) * kMaxAlign; }

double align_to(double off, char typalign)
{
    double a = typalign == 'd' ? 8 : typalign == 'i' ? 4 : typalign == 's' ? 2 : 1;
    return std::ceil(off / a) * a;
}

double any_null_fraction(const ColumnLayout *cols, std::size_t count)
{
    double none = 1;
    for (std::size_t i = 0; i < count; ++i)
        none *= 1 - std::clamp(cols[i].null_frac, 0.0, 1.0);
    return 1 - none;
}

// An index tuple's full size (header, data, MAXALIGN padding) for the first `count` columns.
// The average width is rounded up like one tuple: exact for fixed-width and equal-length values,
// at most 7 bytes pessimistic for strings of varying length.
double index_tuple_size(const ColumnLayout *cols, std::size_t count)
{
    double header = kIndexTupleHeader + (kNullBitmapHeader - kIndexTupleHeader) * any_null_fraction(cols, count);
    double raw = header + tuple_data_width(cols, count);
    bool varying = false;
    for (std::size_t i = 0; i < count; ++i)
        varying = varying || cols[i].typlen < 0;
    // Values of varying length are padded by 3.5 bytes on average; rounding up the average width
    // is exact for fixed-width and equal-length values.
    return varying ? std::max(max_align(raw), raw + (kMaxAlign - 1) / 2) : max_align(raw);
}

// How many items fit on a page built bottom-up (nbtsort.c, _bt_buildadd): another item is added
// while the free space is at least the fillfactor's reserve and the item, so the last one may eat
// into the reserve.
double items_per_page(double usable, double high_key, double leave_free, double item)
{
    return std::max(1.0, std::floor((usable - high_key - std::max(leave_free, item)) / item) + 1);
}

IndexSizeEstimate btree_size(const IndexShapeInput &in)
{
    IndexSizeEstimate est;
    const double block = in.block_size;
    const double usable = block - kPageHeader - 16;  // BTPageOpaqueData, MAXALIGNed
    const int leaf_ff = in.fillfactor > 0 ? in.fillfactor : 90;
    const double leaf_free = block * (100 - leaf_ff) / 100;
    const double inner_free = block * (100 - 70) / 100;  // BTREE_NONLEAF_FILLFACTOR
    const std::size_t ncols = std::max(in.ncolumns, 0);
    const std::size_t nkeys = std::min<std::size_t>(std::max(in.key_columns, 1), ncols);

    est.tree_height = 0;
    if (in.tuples < 1) {
        est.pages = 1;  // an empty B-tree is its metapage
        return est;
    }

    const double tuple = index_tuple_size(in.columns, ncols);
    const double distinct = in.distinct_keys > 0 ? std::min(in.distinct_keys, in.tuples) : in.tuples;
    const double dups = in.tuples / distinct;
    // Suffix truncation keeps only key columns in pivots (high keys and inner pages), plus a heap
    // TID when equal keys must be told apart.
    const double pivot = index_tuple_size(in.columns, nkeys) + (dups >= 2 ? kMaxAlign : 0) + kItemId;

    double leaf_bytes;
    double avg_item;
    double pack_item = 0;
    if (in.deduplicate && dups > 1.0) {
        // nbtsort.c caps a posting list tuple at 1/10 of the page (the leaf fillfactor's reserve);
        // its TIDs follow the key, which keeps no TID of its own.
        const double max_posting = std::floor((block * 10 / 100) / kMaxAlign) * kMaxAlign - kItemId;
        const double per_posting = std::max(2.0, std::floor((max_posting - tuple) / kHeapTid));
        auto group_bytes = [&](double n) {
            if (n <= 1)
                return n * (tuple + kItemId);
            double full = std::floor(n / per_posting);
            double rest = n - full * per_posting;
            double bytes = full * (max_align(tuple + per_posting * kHeapTid) + kItemId);
            if (rest >= 2)
                bytes += max_align(tuple + rest * kHeapTid) + kItemId;
            else if (rest > 0)
                bytes += tuple + kItemId;
            return bytes;
        };
        const double lo = std::floor(dups), frac = dups - lo;
        const double per_key = (1 - frac) * group_bytes(lo) + frac * group_bytes(lo + 1);
        leaf_bytes = distinct * per_key;
        const double items_per_key = (1 - frac) * std::ceil(lo / per_posting) + frac * std::ceil((lo + 1) / per_posting);
        avg_item = per_key / std::max(1.0, items_per_key);
        // Pages of long runs of duplicates hold full posting lists: pack by their size.
        if (lo >= 2 * per_posting)
            pack_item = max_align(tuple + per_posting * kHeapTid) + kItemId;
    } else {
        leaf_bytes = in.tuples * (tuple + kItemId);
        avg_item = tuple + kItemId;
    }

    if (pack_item <= 0)
        pack_item = avg_item;
    const double leaves = std::max(1.0, std::ceil(leaf_bytes / pack_item / items_per_page(usable, pivot, leaf_free, pack_item)));
    const double fanout = std::max(2.0, items_per_page(usable, pivot, inner_free, pivot));
    double level = leaves, inner = 0;
    while (level > 1) {
        level = std::ceil(level / fanout);
        inner += level;
        ++est.tree_height;
    }
    est.leaf_pages = leaves;
    est.pages = 1 + leaves + inner;
    return est;
}

// hashbuild sizes the bucket array from the row estimate (_hash_init), rounded the way
// _hash_spareindex/_hash_get_totalbuckets round it: powers of two, then quarter steps.
double hash_bucket_count(double tuples, int fillfactor)
{
    const double item = kMaxAlign + kMaxAlign + kItemId;  // header + uint32 hash code + line pointer
    const double ffactor = std::max(10.0, std::floor(8192.0 * fillfactor / 100 / item));
    const double want = tuples / ffactor;
    if (want <= 2)
        return 2;
    const auto n = static_cast<uint64_t>(std::min(want, 1073741824.0));
    int group = 0;
    while ((uint64_t{1} << group) < n)
        ++group;
    if (group < 10)
        return double(uint64_t{1} << group);
    // Groups of four phases: buckets grow in steps of a quarter of the previous power of two.
    uint64_t half = uint64_t{1} << (group - 1);
    uint64_t step = half >> 2;
    uint64_t phases = ((n - 1) >> (group - 3)) & 3;
    return double(half + step * (phases + 1));
}

IndexSizeEstimate hash_size(const IndexShapeInput &in)
{
    IndexSizeEstimate est;
    const int ff = in.fillfactor > 0 ? in.fillfactor : 75;
    const double buckets = hash_bucket_count(in.tuples, ff);
    const double item = kMaxAlign + kMaxAlign + kItemId;
    const double per_page = std::floor((in.block_size - kPageHeader - 16) / item);
    // Equal keys share a bucket: with few distinct keys only some buckets fill, and overflow.
    const double distinct = in.distinct_keys > 0 ? std::min(in.distinct_keys, in.tuples) : in.tuples;
    const double used = std::max(1.0, buckets * (1 - std::pow(1 - 1 / buckets, distinct)));
    const double per_bucket = in.tuples / used;
    const double overflow = used * std::max(0.0, std::ceil(per_bucket / per_page) - 1);
    const double bitmap = 1 + std::floor(overflow / (4096.0 * 8));
    est.pages = 1 + buckets + bitmap + overflow;
    est.leaf_pages = buckets + overflow;
    return est;
}

IndexSizeEstimate brin_size(const IndexShapeInput &in)
{
    IndexSizeEstimate est;
    const double ppr = std::max(1, in.pages_per_range);
    const double ranges = std::max(1.0, std::ceil(in.heap_pages / ppr));
    const double usable = in.block_size - kPageHeader - kMaxAlign;  // BrinSpecialSpace
    const double revmap_per_page = std::floor(usable / kHeapTid);
    const double revmap = std::max(1.0, std::ceil(ranges / revmap_per_page));
    // A minmax summary: BrinTuple header, then each column's min and max, aligned like heap data.
    const double tuple = max_align(kMaxAlign + tuple_data_width(in.columns, in.ncolumns, 2)) + kItemId;
    const double regular = std::max(1.0, std::ceil(ranges * tuple / usable));
    est.pages = 1 + revmap + regular;
    est.leaf_pages = regular;
    return est;
}

}  // namespace

double stored_width(const ColumnLayout &c) noexcept
{
    return std::max(1.0, c.avg_width);
}

double tuple_data_width(const ColumnLayout *columns, std::size_t count, int repeat) noexcept
{
    double off = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const ColumnLayout &c = columns[i];
        const double w = stored_width(c);
        // Short varlenas are stored with a 1-byte header and no alignment padding.
        const bool short_varlena = c.typlen == -1 && c.packable && w <= kShortVarlenaMax;
        for (int r = 0; r < repeat; ++r) {
            const double start = short_varlena ? off : align_to(off, c.typalign);
            off += (start - off + w) * (1 - std::clamp(c.null_frac, 0.0, 1.0));
        }
    }
    return off;
}

IndexSizeEstimate estimate_index_size(const IndexShapeInput &in) noexcept
{
    switch (in.kind) {
    case IndexKind::hash:
        return hash_size(in);
    case IndexKind::brin:
        return brin_size(in);
    case IndexKind::btree:
        break;
    }
    return btree_size(in);
}

}  // namespace autopilot
