// Lookups over the advisor's plain data (see workload.hpp).
#include "workload.hpp"

#include <array>
#include <utility>

namespace autopilot {

namespace {
constexpr std::array<std::pair<UseKind, const char *>, 9> kKindNames{{
    {UseKind::eq, "eq"},
    {UseKind::range, "range"},
    {UseKind::in, "in"},
    {UseKind::like, "like"},
    {UseKind::null, "null"},
    {UseKind::join, "join"},
    {UseKind::sort, "sort"},
    {UseKind::group, "group"},
    {UseKind::output, "output"},
}};
} // namespace

const char *to_string(UseKind kind)
{
    for (const auto &[k, name] : kKindNames)
        if (k == kind)
            return name;
    return "output";
}

std::optional<UseKind> use_kind_from_string(const std::string &s)
{
    for (const auto &[k, name] : kKindNames)
        if (s == name)
            return k;
    return std::nullopt;
}

const ColumnStats *TableInfo::column(const std::string &col) const
{
    for (const auto &c : columns)
        if (c.name == col)
            return &c;
    return nullptr;
}

const TableInfo *Catalog::find(const std::string &schema, const std::string &name) const
{
    if (!schema.empty()) {
        for (const auto &t : tables)
            if (t.schema == schema && t.name == name)
                return &t;
        return nullptr;
    }
    // Unqualified: the first schema of the search path that has it, as PostgreSQL resolves it.
    for (const auto &s : search_path)
        for (const auto &t : tables)
            if (t.schema == s && t.name == name)
                return &t;
    return nullptr;
}

const TableInfo *Catalog::find_key(const std::string &key) const
{
    for (const auto &t : tables)
        if (t.key() == key)
            return &t;
    return nullptr;
}

} // namespace autopilot
