// Walks libpg_query's JSON parse tree (PostgreSQL 15 raw parse nodes) to find which columns a statement
// compares with constants, joins, sorts and groups on. The walk keeps one scope per SELECT level so that
// aliases and correlated subqueries resolve the way PostgreSQL resolves them; CTE names are not tables.
#include "fingerprint.hpp"

#include <nlohmann/json.hpp>
#include <pg_query.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

namespace autopilot {

using nlohmann::json;

namespace {

struct Scope {
    const Scope *parent = nullptr;
    std::vector<std::pair<std::string, RelationRef>> aliases;  // alias (or relname) → relation
    std::vector<RelationRef> relations;                       // in FROM order
    std::set<std::string> ctes;
    std::set<std::string> opaque;  // aliases of subqueries/functions: their columns are not base columns

    bool is_cte(const std::string &name) const
    {
        for (const Scope *s = this; s; s = s->parent)
            if (s->ctes.count(name))
                return true;
        return false;
    }
};

const json *child(const json &j, const char *key)
{
    if (!j.is_object())
        return nullptr;
    auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
}

std::string str_node(const json &j)
{
    if (const json *s = child(j, "String"))
        if (const json *v = child(*s, "sval"))
            return v->get<std::string>();
    return {};
}

std::string quote_literal(const std::string &s)
{
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += '\'';
        out += c;
    }
    return out + "'";
}

// A constant's SQL text, only for the literal forms we can render exactly.
std::optional<std::string> literal_text(const json &node)
{
    if (const json *tc = child(node, "TypeCast")) {
        const json *arg = child(*tc, "arg");
        return arg ? literal_text(*arg) : std::nullopt;
    }
    const json *c = child(node, "A_Const");
    if (!c)
        return std::nullopt;
    if (const json *v = child(*c, "sval"))
        if (const json *s = child(*v, "sval"))
            return quote_literal(s->get<std::string>());
    if (const json *v = child(*c, "boolval"))
        return std::string(child(*v, "boolval") && child(*v, "boolval")->get<bool>() ? "true" : "false");
    // libpg_query omits zero-valued fields, so an "ival" without its member cannot be told from a
    // value it failed to print: only explicit integers are trusted.
    if (const json *v = child(*c, "ival"))
        if (const json *i = child(*v, "ival"))
            return std::to_string(i->get<long long>());
    if (const json *v = child(*c, "fval"))
        if (const json *f = child(*v, "fval"))
            return f->get<std::string>();
    return std::nullopt;
}

bool contains_column_ref(const json &j)
{
    if (j.is_object()) {
        for (auto it = j.begin(); it != j.end(); ++it) {
            if (it.key() == "ColumnRef")
                return true;
            if (it.key() == "SubLink")
                continue;  // an uncorrelated subquery is a constant for the outer level
            if (contains_column_ref(it.value()))
                return true;
        }
    } else if (j.is_array()) {
        for (const auto &e : j)
            if (contains_column_ref(e))
                return true;
    }
    return false;
}

class Walker {
public:
    explicit Walker(ParsedStatement &out) : out_(out) {}

    void statement(const json &stmt)
    {
        if (const json *s = child(stmt, "SelectStmt")) {
            out_.command = "select";
            select(*s, nullptr);
        } else if (const json *u = child(stmt, "UpdateStmt")) {
            out_.command = "update";
            modify(*u, "fromClause", nullptr);
        } else if (const json *d = child(stmt, "DeleteStmt")) {
            out_.command = "delete";
            modify(*d, "usingClause", nullptr);
        } else if (const json *i = child(stmt, "InsertStmt")) {
            out_.command = "insert";
            if (const json *rel = child(*i, "relation"))
                add_relation_name(*rel);
            if (const json *sel = child(*i, "selectStmt"))
                if (const json *s2 = child(*sel, "SelectStmt"))
                    select(*s2, nullptr);
        } else if (const json *e = child(stmt, "ExplainStmt")) {
            if (const json *q = child(*e, "query"))
                statement(*q);
        } else {
            out_.command = "other";
        }
    }

private:
    ParsedStatement &out_;

    void add_relation_name(const json &rv)
    {
        RelationRef r{rv.value("schemaname", ""), rv.value("relname", "")};
        if (std::find(out_.relations.begin(), out_.relations.end(), r) == out_.relations.end())
            out_.relations.push_back(r);
    }

    void with_clause(const json &sel, Scope &sc)
    {
        const json *w = child(sel, "withClause");
        if (!w)
            return;
        const json *ctes = child(*w, "ctes");
        if (!ctes)
            return;
        // Register the names first: a recursive CTE refers to itself.
        for (const auto &c : *ctes)
            if (const json *cte = child(c, "CommonTableExpr"))
                sc.ctes.insert(cte->value("ctename", ""));
        for (const auto &c : *ctes)
            if (const json *cte = child(c, "CommonTableExpr"))
                if (const json *q = child(*cte, "ctequery"))
                    nested(*q, &sc);
    }

    void nested(const json &q, const Scope *parent)
    {
        if (const json *s = child(q, "SelectStmt"))
            select(*s, parent);
        else if (const json *u = child(q, "UpdateStmt"))
            modify(*u, "fromClause", parent);
        else if (const json *d = child(q, "DeleteStmt"))
            modify(*d, "usingClause", parent);
        else if (const json *i = child(q, "InsertStmt")) {
            if (const json *rel = child(*i, "relation"))
                add_relation_name(*rel);
            if (const json *sel = child(*i, "selectStmt"))
                nested(*sel, parent);
        }
    }

    void from_item(const json &item, Scope &sc, std::vector<const json *> &quals)
    {
        if (const json *rv = child(item, "RangeVar")) {
            std::string name = rv->value("relname", "");
            std::string schema = rv->value("schemaname", "");
            std::string alias = name;
            if (const json *a = child(*rv, "alias"))
                alias = a->value("aliasname", name);
            if (schema.empty() && sc.is_cte(name)) {
                sc.opaque.insert(alias);
                return;
            }
            RelationRef r{schema, name};
            sc.aliases.emplace_back(alias, r);
            sc.relations.push_back(r);
            add_relation_name(*rv);
        } else if (const json *j = child(item, "JoinExpr")) {
            if (const json *l = child(*j, "larg"))
                from_item(*l, sc, quals);
            if (const json *r = child(*j, "rarg"))
                from_item(*r, sc, quals);
            if (const json *q = child(*j, "quals"))
                quals.push_back(q);
        } else if (const json *rs = child(item, "RangeSubselect")) {
            if (const json *q = child(*rs, "subquery"))
                nested(*q, rs->value("lateral", false) ? &sc : sc.parent);
            if (const json *a = child(*rs, "alias"))
                sc.opaque.insert(a->value("aliasname", ""));
        } else if (const json *rf = child(item, "RangeFunction")) {
            if (const json *a = child(*rf, "alias"))
                sc.opaque.insert(a->value("aliasname", ""));
        }
    }

    void select(const json &sel, const Scope *parent)
    {
        const std::string op = sel.value("op", "SETOP_NONE");
        if (op != "SETOP_NONE") {
            Scope sc;
            sc.parent = parent;
            with_clause(sel, sc);
            if (const json *l = child(sel, "larg"))
                select(*l, &sc);
            if (const json *r = child(sel, "rarg"))
                select(*r, &sc);
            return;
        }
        Scope sc;
        sc.parent = parent;
        with_clause(sel, sc);
        std::vector<const json *> quals;
        if (const json *from = child(sel, "fromClause"))
            for (const auto &item : *from)
                from_item(item, sc, quals);
        for (const json *q : quals)
            predicate(*q, sc);
        if (const json *w = child(sel, "whereClause"))
            predicate(*w, sc);
        if (const json *h = child(sel, "havingClause"))
            predicate(*h, sc);
        if (const json *tl = child(sel, "targetList"))
            expression(*tl, sc, UseKind::output);
        if (const json *g = child(sel, "groupClause"))
            for (const auto &e : *g)
                expression(e, sc, UseKind::group);
        if (const json *s = child(sel, "sortClause"))
            for (const auto &e : *s)
                if (const json *sb = child(e, "SortBy"))
                    if (const json *n = child(*sb, "node"))
                        expression(*n, sc, UseKind::sort);
    }

    void modify(const json &m, const char *from_key, const Scope *parent)
    {
        Scope sc;
        sc.parent = parent;
        with_clause(m, sc);
        std::vector<const json *> quals;
        if (const json *rel = child(m, "relation")) {
            json wrapped = {{"RangeVar", *rel}};
            from_item(wrapped, sc, quals);
        }
        if (const json *from = child(m, from_key))
            for (const auto &item : *from)
                from_item(item, sc, quals);
        for (const json *q : quals)
            predicate(*q, sc);
        if (const json *w = child(m, "whereClause"))
            predicate(*w, sc);
    }

    // Resolves a ColumnRef's fields; false when it is not a base column (star, CTE, subquery alias).
    bool column_ref(const json &cref, const Scope &sc, ColumnUse &use)
    {
        const json *fields = child(cref, "fields");
        if (!fields || fields->empty())
            return false;
        std::vector<std::string> parts;
        for (const auto &f : *fields) {
            if (child(f, "A_Star")) {
                mark_star();
                return false;
            }
            parts.push_back(str_node(f));
        }
        use.column = parts.back();
        if (parts.size() == 1) {
            for (const Scope *s = &sc; s; s = s->parent)
                for (const auto &r : s->relations)
                    use.relations.push_back(r);
            return !use.relations.empty();
        }
        if (parts.size() == 2) {
            for (const Scope *s = &sc; s; s = s->parent) {
                if (s->opaque.count(parts[0]))
                    return false;
                for (const auto &[alias, r] : s->aliases)
                    if (alias == parts[0]) {
                        use.relations.push_back(r);
                        return true;
                    }
            }
            return false;
        }
        use.relations.push_back({parts[parts.size() - 3], parts[parts.size() - 2]});
        return true;
    }

    // `*` or `t.*`: the statement reads columns the parse tree does not name, so no covering index.
    void mark_star() { out_.select_star = true; }

    void add_use(const json &cref, const Scope &sc, UseKind kind, const std::string &op,
                 std::optional<std::string> constant = std::nullopt)
    {
        ColumnUse use;
        if (!column_ref(cref, sc, use))
            return;
        use.kind = kind;
        use.op = op;
        use.constant = std::move(constant);
        out_.uses.push_back(std::move(use));
    }

    // Every column below `j` gets `kind`; subqueries are walked as nested SELECTs.
    void expression(const json &j, const Scope &sc, UseKind kind)
    {
        if (j.is_array()) {
            for (const auto &e : j)
                expression(e, sc, kind);
            return;
        }
        if (!j.is_object())
            return;
        for (auto it = j.begin(); it != j.end(); ++it) {
            if (it.key() == "ColumnRef") {
                add_use(it.value(), sc, kind, "");
            } else if (it.key() == "SubLink") {
                sublink(it.value(), sc);
            } else {
                expression(it.value(), sc, kind);
            }
        }
    }

    void sublink(const json &sl, const Scope &sc)
    {
        if (const json *t = child(sl, "testexpr")) {
            // x IN (SELECT ...) is a semi-join on x.
            if (const json *c = child(*t, "ColumnRef"))
                add_use(*c, sc, UseKind::join, "=");
            else
                expression(*t, sc, UseKind::output);
        }
        if (const json *q = child(sl, "subselect"))
            nested(*q, &sc);
    }

    static const json *bare_column(const json &side)
    {
        return child(side, "ColumnRef");
    }

    void predicate(const json &p, const Scope &sc)
    {
        if (const json *b = child(p, "BoolExpr")) {
            if (const json *args = child(*b, "args"))
                for (const auto &a : *args)
                    predicate(a, sc);
            return;
        }
        if (const json *n = child(p, "NullTest")) {
            if (const json *arg = child(*n, "arg")) {
                if (const json *c = bare_column(*arg))
                    add_use(*c, sc, UseKind::null, n->value("nulltesttype", "IS_NULL") == "IS_NULL" ? "IS NULL" : "IS NOT NULL");
                else
                    expression(*arg, sc, UseKind::output);
            }
            return;
        }
        if (const json *s = child(p, "SubLink")) {
            sublink(*s, sc);
            return;
        }
        const json *e = child(p, "A_Expr");
        if (!e) {
            expression(p, sc, UseKind::output);
            return;
        }
        const std::string kind = e->value("kind", "");
        std::string op;
        if (const json *name = child(*e, "name"))
            if (!name->empty())
                op = str_node(name->back());
        const json *l = child(*e, "lexpr");
        const json *r = child(*e, "rexpr");
        const json *lc = l ? bare_column(*l) : nullptr;
        const json *rc = r ? bare_column(*r) : nullptr;
        const bool l_const = l && !contains_column_ref(*l);
        const bool r_const = r && !contains_column_ref(*r);

        if (kind == "AEXPR_OP" && lc && rc) {
            add_use(*lc, sc, UseKind::join, op);
            add_use(*rc, sc, UseKind::join, op);
        } else if (kind == "AEXPR_OP" && (lc || rc) && (lc ? r_const : l_const)) {
            const json *col = lc ? lc : rc;
            const json *other = lc ? r : l;
            static const std::set<std::string> kRange{"<", ">", "<=", ">="};
            if (op == "=")
                add_use(*col, sc, UseKind::eq, op, literal_text(*other));
            else if (kRange.count(op))
                add_use(*col, sc, UseKind::range, op);
            else if (op == "~~" || op == "~~*")
                add_use(*col, sc, UseKind::like, op);
            else
                add_use(*col, sc, UseKind::output, op);
        } else if ((kind == "AEXPR_IN" || kind == "AEXPR_OP_ANY") && lc && r_const) {
            add_use(*lc, sc, UseKind::in, "=");
        } else if ((kind == "AEXPR_BETWEEN" || kind == "AEXPR_BETWEEN_SYM") && lc && r_const) {
            add_use(*lc, sc, UseKind::range, "BETWEEN");
        } else if ((kind == "AEXPR_LIKE" || kind == "AEXPR_ILIKE") && lc && r_const) {
            add_use(*lc, sc, UseKind::like, op);
        } else {
            if (l)
                expression(*l, sc, UseKind::output);
            if (r)
                expression(*r, sc, UseKind::output);
            return;
        }
        // Subqueries on the constant side still contain columns of their own.
        if (l && !lc)
            expression(*l, sc, UseKind::output);
        if (r && !rc)
            expression(*r, sc, UseKind::output);
    }
};

} // namespace

ParsedStatement parse_statement(const std::string &sql)
{
    ParsedStatement out;
    PgQueryParseResult pr = pg_query_parse(sql.c_str());
    std::unique_ptr<PgQueryParseResult, void (*)(PgQueryParseResult *)> guard(
        &pr, [](PgQueryParseResult *r) { pg_query_free_parse_result(*r); });
    if (pr.error) {
        out.error = pr.error->message ? pr.error->message : "syntax error";
        return out;
    }
    out.fingerprint = fingerprint(sql);
    PgQueryNormalizeResult nr = pg_query_normalize(sql.c_str());
    if (!nr.error && nr.normalized_query)
        out.normalized = nr.normalized_query;
    else
        out.normalized = sql;
    pg_query_free_normalize_result(nr);

    json tree = json::parse(pr.parse_tree, nullptr, false);
    if (tree.is_discarded() || !tree.contains("stmts") || tree["stmts"].empty()) {
        out.error = "empty statement";
        return out;
    }
    if (tree["stmts"].size() > 1) {
        out.error = "several statements in one string";
        return out;
    }
    Walker w(out);
    if (const json *stmt = child(tree["stmts"][0], "stmt"))
        w.statement(*stmt);
    out.ok = true;
    return out;
}

std::string fingerprint(const std::string &sql)
{
    PgQueryFingerprintResult fr = pg_query_fingerprint(sql.c_str());
    std::string out;
    if (!fr.error && fr.fingerprint_str)
        out = fr.fingerprint_str;
    pg_query_free_fingerprint_result(fr);
    return out;
}

std::vector<ResolvedUse> resolve_uses(const ParsedStatement &st, const Catalog &catalog)
{
    std::vector<ResolvedUse> out;
    for (const auto &u : st.uses) {
        for (const auto &r : u.relations) {
            const TableInfo *t = catalog.find(r.schema, r.name);
            if (!t || !t->column(u.column))
                continue;
            out.push_back({t->key(), u.column, u.kind, u.op, u.constant});
            break;
        }
    }
    return out;
}

std::vector<std::string> resolve_tables(const ParsedStatement &st, const Catalog &catalog)
{
    std::vector<std::string> out;
    for (const auto &r : st.relations)
        if (const TableInfo *t = catalog.find(r.schema, r.name))
            if (std::find(out.begin(), out.end(), t->key()) == out.end())
                out.push_back(t->key());
    return out;
}

} // namespace autopilot
