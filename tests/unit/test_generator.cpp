// Unit tests of the data generator's pure pieces: random streams, distributions, calendar,
// demand normalisation, determinism of the world and of each day, and the option parser.
#include <catch2/catch.hpp>

#include "cli.hpp"
#include "copy_buffer.hpp"
#include "orders.hpp"
#include "rng.hpp"
#include "timefmt.hpp"
#include "world.hpp"

#include <cmath>
#include <map>

using namespace autopilot::etl;

TEST_CASE("a random stream is the same for the same seed, stream and key", "[generator]")
{
    Rng a(42, kStreamSession, 1234), b(42, kStreamSession, 1234);
    for (int i = 0; i < 1000; ++i)
        REQUIRE(a.next() == b.next());
}

TEST_CASE("random streams of different keys, streams or seeds differ", "[generator]")
{
    Rng base(42, kStreamSession, 1234);
    const uint64_t first = base.next();
    CHECK(Rng(42, kStreamSession, 1235).next() != first);
    CHECK(Rng(42, kStreamEvents, 1234).next() != first);
    CHECK(Rng(43, kStreamSession, 1234).next() != first);
}

TEST_CASE("uniform draws and per-row hashes are uniform on [0, 1)", "[generator]")
{
    Rng rng(7, kStreamWorld, 0);
    double sum = 0, hsum = 0;
    int below_tenth = 0;
    const int n = 200000;
    for (int i = 0; i < n; ++i) {
        const double u = rng.uniform();
        REQUIRE(u >= 0.0);
        REQUIRE(u < 1.0);
        sum += u;
        const double h = unit_hash(7, kStreamDirt, static_cast<uint64_t>(i));
        hsum += h;
        below_tenth += h < 0.1;
    }
    CHECK(sum / n == Approx(0.5).margin(0.005));
    CHECK(hsum / n == Approx(0.5).margin(0.005));
    CHECK(below_tenth / static_cast<double>(n) == Approx(0.1).margin(0.003));
}

TEST_CASE("the Poisson sampler has the requested mean for small and large means", "[generator]")
{
    Rng rng(1, kStreamWorld, 9);
    for (double mean : {0.5, 2.0, 13.4, 120.0}) {
        double s = 0;
        const int n = 50000;
        for (int i = 0; i < n; ++i)
            s += rng.poisson(mean);
        CHECK(s / n == Approx(mean).epsilon(0.03));
    }
}

TEST_CASE("the weighted picker picks in proportion to the weights and never a zero weight", "[generator]")
{
    WeightedPicker p({1.0, 0.0, 3.0});
    Rng rng(3, kStreamWorld, 3);
    int counts[3] = {0, 0, 0};
    for (int i = 0; i < 40000; ++i)
        ++counts[p.pick(rng)];
    CHECK(counts[1] == 0);
    CHECK(counts[2] / static_cast<double>(counts[0]) == Approx(3.0).epsilon(0.06));
}

TEST_CASE("Zipf weights fall with rank", "[generator]")
{
    const auto w = zipf_weights(100, 1.0);
    CHECK(w[0] == Approx(1.0));
    CHECK(w[9] == Approx(0.1));
    CHECK(w[99] < w[98]);
}

TEST_CASE("days convert to and from civil dates and weekdays are right", "[generator]")
{
    const Day d = days_from_civil(2025, 1, 1);
    CHECK(d == 20089);
    const Civil c = civil_from_days(d + 59);
    CHECK(c.y == 2025);
    CHECK(c.m == 3u);
    CHECK(c.d == 1u);
    CHECK(weekday(d) == 2);  // a Wednesday
    Day parsed = 0;
    CHECK(parse_date("2024-02-29", parsed));
    CHECK(parsed == days_from_civil(2024, 2, 29));
    CHECK_FALSE(parse_date("2025-02-29", parsed));
    CHECK_FALSE(parse_date("18/07/2025", parsed));
}

TEST_CASE("timestamps are formatted in ISO form with the IST offset", "[generator]")
{
    std::string s;
    append_timestamp(s, static_cast<LocalTs>(days_from_civil(2025, 10, 20)) * 86400 + 19 * 3600 + 5 * 60 + 9);
    CHECK(s == "2025-10-20 19:05:09+05:30");
}

TEST_CASE("festivals raise demand above ordinary days of the same weekday", "[generator]")
{
    const Day diwali = days_from_civil(2025, 10, 20);
    const Day pongal = days_from_civil(2025, 1, 14);
    CHECK(World::calendar(diwali).festival > 2.0);
    CHECK(std::string(World::calendar(diwali).festival_name) == "diwali");
    CHECK(World::calendar(pongal).total > World::calendar(pongal - 28).total * 1.5);
    CHECK(World::calendar(days_from_civil(2025, 3, 8)).weekday > World::calendar(days_from_civil(2025, 3, 4)).weekday);
}

TEST_CASE("orders and sessions over the history year match the scaled targets", "[generator]")
{
    const World w(42, 0.05);
    int64_t orders = 0, sessions = 0;
    for (Day d = kEpoch; d < kEpoch + kHistoryDays; ++d) {
        orders += w.orders_on(d);
        sessions += w.sessions_on(d);
    }
    CHECK(std::abs(static_cast<double>(orders) - TargetCounts::orders * 0.05) / (TargetCounts::orders * 0.05) < 0.01);
    CHECK(sessions == Approx(TargetCounts::sessions * 0.05).margin(1));
    CHECK(w.customers().size() == 500);
    CHECK(w.products().size() == 250);
}

TEST_CASE("the same seed builds the same world and another seed a different one", "[generator]")
{
    const World a(5, 0.02), b(5, 0.02), c(6, 0.02);
    REQUIRE(a.products().size() == b.products().size());
    bool all_same = true, any_diff = false;
    for (size_t i = 0; i < a.products().size(); ++i) {
        all_same = all_same && a.products()[i].sku == b.products()[i].sku && a.products()[i].share == b.products()[i].share;
        any_diff = any_diff || a.products()[i].sku != c.products()[i].sku;
    }
    CHECK(all_same);
    CHECK(any_diff);
}

TEST_CASE("a day's orders are the same however often and in whatever order days are built", "[generator]")
{
    const World w(11, 0.02);
    const Population pop(w, kEpoch + kHistoryDays - 1);
    const Day d = kEpoch + 200;
    const DayOrders later = make_day_orders(pop, d + 1);
    const DayOrders x = make_day_orders(pop, d);
    const DayOrders y = make_day_orders(pop, d);
    REQUIRE(x.orders.size() == y.orders.size());
    REQUIRE(x.lines.size() == y.lines.size());
    for (size_t i = 0; i < x.orders.size(); ++i) {
        CHECK(x.orders[i].ts == y.orders[i].ts);
        CHECK(x.orders[i].customer == y.orders[i].customer);
    }
    (void)later;
}

TEST_CASE("latent segments drive ordering: champions order far more than hibernating customers", "[generator]")
{
    const World w(3, 0.1);
    const Population pop(w, kEpoch + kHistoryDays - 1);
    std::map<Segment, double> orders, members;
    for (const auto &c : pop.all())
        members[c.segment] += 1;
    for (Day d = kEpoch; d < kEpoch + kHistoryDays; d += 3)
        for (const auto &o : make_day_orders(pop, d).orders)
            orders[pop.all()[static_cast<size_t>(o.customer)].segment] += 1;
    const double champions = orders[Segment::champions] / members[Segment::champions];
    const double hibernating = orders[Segment::hibernating] / members[Segment::hibernating];
    CHECK(champions > 5 * hibernating);
}

TEST_CASE("the option parser rejects unknown options and accepts --name=value", "[cli]")
{
    const std::vector<OptionSpec> specs = {{"--scale", "-s", true, "S", ""}, {"--append", "", false, "", ""}};
    CHECK_THROWS_AS(parse_options(specs, {"--bogus"}), UsageError);
    CHECK_THROWS_AS(parse_options(specs, {"--scale"}), UsageError);
    CHECK_THROWS_AS(parse_options(specs, {"--append=yes"}), UsageError);
    CHECK_THROWS_AS(parse_options(specs, {"stray"}), UsageError);
    const auto o = parse_options(specs, {"--scale=0.5", "--append", "-d", "dbname=x"});
    CHECK(*o.get_double("--scale") == 0.5);
    CHECK(o.has("--append"));
    CHECK(o.conninfo() == "dbname=x");
    CHECK_THROWS_AS(parse_options(specs, {"-s", "abc"}).get_double("--scale"), UsageError);
}

namespace {
struct StringSink : CopySink {
    std::string table, data;
    int ends = 0;
    void begin(const std::string &t, const std::string &) override { table = t; }
    void write(const std::string &d) override { data += d; }
    void end() override { ++ends; }
};
}  // namespace

TEST_CASE("COPY text escapes tabs, newlines and backslashes and writes NULL as \\N", "[generator]")
{
    StringSink sink;
    RowWriter w(sink, "bronze.t", "a, b");
    w.text("a\tb\nc\\d").null().money(799500).integer(-3);
    w.finish(static_cast<LocalTs>(days_from_civil(2025, 1, 1)) * 86400 + 300, 7);
    w.close();
    CHECK(sink.table == "bronze.t");
    CHECK(sink.ends == 1);
    CHECK(sink.data == "a\\tb\\nc\\\\d\t\\N\t7995.00\t-3\t2025-01-01 00:05:00+05:30\t7\n");
    CHECK(w.rows() == 1);
}
