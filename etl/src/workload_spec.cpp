// Reading the workload's template file and binding literals.
#include "workload_spec.hpp"

#include <cctype>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace autopilot::etl {

namespace {

std::string trim(const std::string &s)
{
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b])))
        ++b;
    while (e > b && (std::isspace(static_cast<unsigned char>(s[e - 1])) || s[e - 1] == ';'))
        --e;
    return s.substr(b, e - b);
}

bool starts_with(const std::string &s, const std::string &p) { return s.rfind(p, 0) == 0; }

std::vector<std::string> split_list(const std::string &s)
{
    std::vector<std::string> out;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, ',')) {
        item = trim(item);
        if (!item.empty())
            out.push_back(item);
    }
    return out;
}

struct Block {
    std::string kind, name;
    std::map<std::string, std::string> keys;
    std::string sql;
};

void finish(WorkloadSpec &spec, Block &b)
{
    if (b.kind.empty())
        return;
    const std::string what = b.kind + " " + b.name;
    const std::string sql = trim(b.sql);
    if (sql.empty())
        throw std::invalid_argument(what + ": no SQL");
    if (b.kind == "pool") {
        if (!b.keys.empty())
            throw std::invalid_argument(what + ": pools take no keys");
        spec.pools[b.name] = sql;
    } else {
        QueryTemplate t;
        t.name = b.name;
        t.sql = sql;
        for (const auto &[k, v] : b.keys) {
            if (k == "weight") {
                char *end = nullptr;
                t.weight = std::strtod(v.c_str(), &end);
                if (end == v.c_str() || *end != '\0' || !(t.weight > 0))
                    throw std::invalid_argument(what + ": weight must be a positive number, not \"" + v + "\"");
            } else if (k == "params") {
                t.params = split_list(v);
            } else if (k == "protocol") {
                if (v == "simple")
                    t.protocol = Protocol::simple;
                else if (v == "extended")
                    t.protocol = Protocol::extended;
                else if (v == "both")
                    t.protocol = Protocol::both;
                else
                    throw std::invalid_argument(what + ": protocol must be simple, extended or both");
            } else if (k == "note") {
                t.note = v;
            } else {
                throw std::invalid_argument(what + ": unknown key \"" + k + "\"");
            }
        }
        if (placeholder_count(t.sql) != static_cast<int>(t.params.size()))
            throw std::invalid_argument(what + ": " + std::to_string(placeholder_count(t.sql)) +
                                        " placeholders but " + std::to_string(t.params.size()) + " params");
        spec.templates.push_back(std::move(t));
    }
    b = Block{};
}

}  // namespace

int placeholder_count(const std::string &sql)
{
    int max_n = 0;
    for (size_t i = 0; i < sql.size(); ++i) {
        if (sql[i] != '$' || i + 1 >= sql.size() || !std::isdigit(static_cast<unsigned char>(sql[i + 1])))
            continue;
        int n = 0;
        size_t j = i + 1;
        while (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j])))
            n = n * 10 + (sql[j++] - '0');
        max_n = std::max(max_n, n);
        i = j - 1;
    }
    return max_n;
}

std::string bind_literals(const std::string &sql, const std::vector<std::string> &literals)
{
    std::string out;
    out.reserve(sql.size() + 64);
    for (size_t i = 0; i < sql.size(); ++i) {
        if (sql[i] == '$' && i + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
            size_t j = i + 1;
            int n = 0;
            while (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j])))
                n = n * 10 + (sql[j++] - '0');
            if (n < 1 || static_cast<size_t>(n) > literals.size())
                throw std::out_of_range("no value for $" + std::to_string(n));
            out += literals[n - 1];
            i = j - 1;
        } else {
            out += sql[i];
        }
    }
    return out;
}

WorkloadSpec parse_workload_spec(const std::string &text)
{
    WorkloadSpec spec;
    Block cur;
    bool in_header = false;
    std::stringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        const std::string t = trim(line);
        if (starts_with(t, "-- pool:") || starts_with(t, "-- template:")) {
            finish(spec, cur);
            const auto colon = t.find(':');
            cur.kind = t.substr(3, colon - 3);
            cur.name = trim(t.substr(colon + 1));
            if (cur.name.empty())
                throw std::invalid_argument(cur.kind + " without a name");
            in_header = true;
            continue;
        }
        if (cur.kind.empty())
            continue;  // the file's preamble
        if (in_header && starts_with(t, "-- ") && t.find(':') != std::string::npos) {
            const auto colon = t.find(':');
            cur.keys[trim(t.substr(3, colon - 3))] = trim(t.substr(colon + 1));
            continue;
        }
        if (starts_with(t, "--"))
            continue;  // section rulers and comments between blocks
        in_header = false;
        cur.sql += line + "\n";
    }
    finish(spec, cur);
    for (const auto &t : spec.templates)
        for (const auto &p : t.params)
            if (!spec.pools.count(p))
                throw std::invalid_argument("template " + t.name + ": no pool named \"" + p + "\"");
    return spec;
}

}  // namespace autopilot::etl
