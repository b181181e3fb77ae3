-- Schema truth: what the generator planted, so tests and benchmarks can score the ETL and the
-- mining jobs. Never read by the mining models (docs/contracts.md). Written by
-- `autopilot-etl generate` in the same load as bronze, keyed by the same batch_id.
-- Idempotent: safe to run on every generation.

CREATE SCHEMA IF NOT EXISTS truth;
COMMENT ON SCHEMA truth IS 'generator ground truth: demand process, planted anomalies, latent segments, planted dirt (never read by mining models)';

-- One row per generation run: the parameters that reproduce it.
CREATE TABLE IF NOT EXISTS truth.generation (
    batch_id          bigint PRIMARY KEY,
    kind              text NOT NULL,          -- initial | append
    seed              bigint NOT NULL,
    scale             double precision NOT NULL,
    first_day         date NOT NULL,
    last_day          date NOT NULL,
    generator_version text NOT NULL,
    params            jsonb NOT NULL          -- rates and constants of the demand and dirt models
);

-- Demand process. Expected units of product p in city c on day d (see docs/warehouse.md):
--   city.base_orders_per_day * calendar.factor(d) * product.share(p) * promo uplift
--   * items per order, summed over the city's stores and its online demand.
CREATE TABLE IF NOT EXISTS truth.calendar (
    day              date PRIMARY KEY,
    weekday_factor   double precision NOT NULL,
    yearly_factor    double precision NOT NULL,
    festival         text,                    -- pongal | diwali | ... | NULL
    festival_factor  double precision NOT NULL,
    factor           double precision NOT NULL  -- product of the three
);

CREATE TABLE IF NOT EXISTS truth.city_demand (
    city                 text PRIMARY KEY,
    population           bigint NOT NULL,
    base_orders_per_day  double precision NOT NULL,  -- all channels, before calendar effects
    online_share         double precision NOT NULL
);

CREATE TABLE IF NOT EXISTS truth.store_demand (
    store_id             text PRIMARY KEY,
    city                 text NOT NULL,
    base_orders_per_day  double precision NOT NULL   -- in-store plus fulfilled online/app orders
);

CREATE TABLE IF NOT EXISTS truth.product_demand (
    product_id        text PRIMARY KEY,
    popularity_rank   int NOT NULL,               -- Zipf rank (1 = most popular)
    share             double precision NOT NULL,  -- base share of all units sold (sums to 1)
    release_date      date NOT NULL,
    launch_boost      double precision NOT NULL,  -- multiplier in the first 30 days after release
    price_elasticity  double precision NOT NULL
);

-- Promotions as the demand process applies them (uplift on units of matching products).
CREATE TABLE IF NOT EXISTS truth.promotions (
    promotion_code  text PRIMARY KEY,
    starts_on       date NOT NULL,
    ends_on         date NOT NULL,
    brand           text,
    category        text,
    channel         text,
    discount_pct    double precision NOT NULL,
    uplift          double precision NOT NULL
);

-- Price changes of products over time (list price effective from a day).
CREATE TABLE IF NOT EXISTS truth.price_changes (
    product_id      text NOT NULL,
    effective_on    date NOT NULL,
    list_price      numeric(12,2) NOT NULL,
    PRIMARY KEY (product_id, effective_on)
);

-- Planted anomalies. kind: revenue_spike | revenue_drop | returns_surge | stock_out.
-- revenue_spike/drop and returns_surge are store-days (brand NULL); stock_out is a store x brand
-- over [day, end_day] with no sales. magnitude: demand multiplier (spike/drop), return rate
-- multiplier (returns_surge), or 0 (stock_out).
CREATE TABLE IF NOT EXISTS truth.anomalies (
    anomaly_id      int PRIMARY KEY,
    batch_id        bigint NOT NULL,
    kind            text NOT NULL,
    store_id        text NOT NULL,
    brand           text,
    day             date NOT NULL,
    end_day         date NOT NULL,
    magnitude       double precision NOT NULL
);

-- Each customer's latent segment: champions | loyal | new | at_risk | hibernating | one_time.
CREATE TABLE IF NOT EXISTS truth.customer_segments (
    customer_id      text PRIMARY KEY,
    segment          text NOT NULL,
    orders_per_year  double precision NOT NULL,  -- rate while active
    basket_factor    double precision NOT NULL,  -- spend multiplier
    active_from      date NOT NULL,
    active_until     date NOT NULL,              -- last day of ordering activity (churn)
    preferred_channel text NOT NULL,
    preferred_brand  text NOT NULL
);

-- Planted dirt, one row per defective bronze row. kind:
--   duplicate          a second copy of the row (same business columns, later _ingested_at)
--   null_value         column is NULL where the source contract says it is required
--   malformed_email | malformed_phone | malformed_timestamp
--   negative_quantity  order_items.quantity < 0
--   unknown_product    order_items.product_id not in bronze.products
--   late_arrival       row landed more than 2 days after its event time (_ingested_at - event)
-- key: the row's business key (order_id, order_item_id, customer_id, event_id, ...).
CREATE TABLE IF NOT EXISTS truth.planted_dirt (
    batch_id        bigint NOT NULL,
    table_name      text NOT NULL,
    kind            text NOT NULL,
    key             text NOT NULL,
    column_name     text,
    detail          text
);

-- Attribute changes delivered by `generate --append` (SCD2 material): one row per changed column.
CREATE TABLE IF NOT EXISTS truth.attribute_changes (
    batch_id        bigint NOT NULL,
    table_name      text NOT NULL,            -- customers | products
    key             text NOT NULL,
    column_name     text NOT NULL,
    old_value       text,
    new_value       text,
    changed_at      timestamp NOT NULL
);
