// Rows in PostgreSQL's COPY text format, built straight into one buffer (no per-field strings),
// and the sinks that take the buffer: a COPY on a live connection, or a file (bench/load).
#pragma once

#include "timefmt.hpp"

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace autopilot::etl {

void append_money(std::string &out, int64_t paise);

// Where finished COPY text goes.
class CopySink {
public:
    virtual ~CopySink() = default;
    virtual void begin(const std::string &table, const std::string &columns) = 0;
    virtual void write(const std::string &data) = 0;
    virtual void end() = 0;
};

// Builds rows for one table and hands them to a sink in ~1 MB pieces.
class RowWriter {
public:
    RowWriter(CopySink &sink, const std::string &table, const std::string &columns,
              std::atomic<int64_t> *progress = nullptr);
    ~RowWriter();
    RowWriter(const RowWriter &) = delete;
    RowWriter &operator=(const RowWriter &) = delete;

    // Text that may need escaping (names, free text).
    RowWriter &text(std::string_view s);
    // Text known to hold no tab, newline or backslash (ids, codes, formatted numbers).
    RowWriter &raw(std::string_view s)
    {
        buf_.append(s);
        buf_.push_back('\t');
        return *this;
    }
    RowWriter &null()
    {
        buf_.append("\\N\t");
        return *this;
    }
    RowWriter &integer(int64_t v);
    RowWriter &money(int64_t paise);
    RowWriter &date(Day d);
    RowWriter &timestamp(LocalTs t);
    RowWriter &boolean(bool b) { return raw(b ? "true" : "false"); }
    // _ingested_at and _batch_id, then the end of the row.
    void finish(LocalTs ingested_at, int64_t batch_id);
    void end_row();
    // Ends the COPY (flushes what is left). Called by the destructor only on success paths.
    void close();
    int64_t rows() const { return rows_; }

private:
    void flush();
    CopySink &sink_;
    std::string buf_;
    std::atomic<int64_t> *progress_;
    int64_t rows_ = 0, unreported_ = 0;
    bool closed_ = false;
};

}  // namespace autopilot::etl
