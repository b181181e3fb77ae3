// COPY text formatting (copy_buffer.hpp).
#include "copy_buffer.hpp"

#include <cstdio>

namespace autopilot::etl {

namespace {
constexpr size_t kFlushBytes = 1 << 20;
}

RowWriter::RowWriter(CopySink &sink, const std::string &table, const std::string &columns,
                     std::atomic<int64_t> *progress)
    : sink_(sink), progress_(progress)
{
    buf_.reserve(kFlushBytes + 64 * 1024);
    sink_.begin(table, columns);
}

RowWriter::~RowWriter() = default;

RowWriter &RowWriter::text(std::string_view s)
{
    for (char c : s) {
        switch (c) {
        case '\\': buf_.append("\\\\"); break;
        case '\t': buf_.append("\\t"); break;
        case '\n': buf_.append("\\n"); break;
        case '\r': buf_.append("\\r"); break;
        default: buf_.push_back(c);
        }
    }
    buf_.push_back('\t');
    return *this;
}

RowWriter &RowWriter::integer(int64_t v)
{
    char tmp[24];
    int n = std::snprintf(tmp, sizeof tmp, "%lld", static_cast<long long>(v));
    buf_.append(tmp, static_cast<size_t>(n));
    buf_.push_back('\t');
    return *this;
}

RowWriter &RowWriter::money(int64_t paise)
{
    append_money(buf_, paise);
    buf_.push_back('\t');
    return *this;
}

RowWriter &RowWriter::date(Day d)
{
    append_date(buf_, d);
    buf_.push_back('\t');
    return *this;
}

RowWriter &RowWriter::timestamp(LocalTs t)
{
    append_timestamp(buf_, t);
    buf_.push_back('\t');
    return *this;
}

void RowWriter::finish(LocalTs ingested_at, int64_t batch_id)
{
    append_timestamp(buf_, ingested_at);
    buf_.push_back('\t');
    integer(batch_id);
    end_row();
}

void RowWriter::end_row()
{
    buf_.back() = '\n';
    ++rows_;
    if (++unreported_ >= 4096 && progress_) {
        progress_->fetch_add(unreported_, std::memory_order_relaxed);
        unreported_ = 0;
    }
    if (buf_.size() >= kFlushBytes)
        flush();
}

void RowWriter::flush()
{
    if (!buf_.empty())
        sink_.write(buf_);
    buf_.clear();
}

void RowWriter::close()
{
    if (closed_)
        return;
    closed_ = true;
    flush();
    if (progress_)
        progress_->fetch_add(unreported_, std::memory_order_relaxed);
    unreported_ = 0;
    sink_.end();
}

}  // namespace autopilot::etl
