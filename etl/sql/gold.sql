-- Schema gold: the star schema (fact_sales at order-line grain and its dimensions) and the
-- aggregates the dashboard, the mining jobs and the BI workload read. Primary keys only. Idempotent.
CREATE SCHEMA IF NOT EXISTS gold;

-- Festival calendar of Tamil Nadu (fixed list; the dates of lunar festivals per year).
CREATE TABLE IF NOT EXISTS gold.festivals (
    festival_date date PRIMARY KEY,
    festival      text NOT NULL
);

CREATE TABLE IF NOT EXISTS gold.dim_date (
    date_key      int PRIMARY KEY,       -- yyyymmdd
    full_date     date NOT NULL,
    day_of_week   smallint NOT NULL,     -- ISO: 1 = Monday
    day_name      text NOT NULL,
    day_of_month  smallint NOT NULL,
    week_of_year  smallint NOT NULL,
    month         smallint NOT NULL,
    month_name    text NOT NULL,
    quarter       smallint NOT NULL,
    year          smallint NOT NULL,
    is_weekend    boolean NOT NULL,
    is_holiday    boolean NOT NULL,      -- any festival or public holiday
    festival      text,                  -- its name, NULL on ordinary days
    is_pongal     boolean NOT NULL,
    is_diwali     boolean NOT NULL,
    is_festival_season boolean NOT NULL  -- within 7 days before a major festival (shopping peak)
);

CREATE TABLE IF NOT EXISTS gold.dim_channel (
    channel_key  smallint PRIMARY KEY,
    channel      text NOT NULL,
    is_online    boolean NOT NULL
);

-- Stores by their business key (S001...). Online and app orders carry the store that fulfilled
-- them, so every fact row has a store; 'UNKNOWN' catches orders without one.
CREATE TABLE IF NOT EXISTS gold.dim_store (
    store_id    text PRIMARY KEY,
    store_code  text,
    store_name  text NOT NULL,
    store_type  text,
    city        text NOT NULL,
    district    text,
    state       text,
    latitude    double precision,
    longitude   double precision,
    population  bigint,
    opened_on   date,
    closed_on   date
);

-- SCD type 2, one row per version (the key is silver's surrogate key).
CREATE TABLE IF NOT EXISTS gold.dim_product (
    product_sk   bigint PRIMARY KEY,
    product_id   text NOT NULL,
    sku          text,
    product_name text,
    brand        text NOT NULL,
    model        text,
    category     text,
    gender       text,
    colourway    text,
    release_date date,
    msrp         numeric(12,2),
    list_price   numeric(12,2),
    unit_cost    numeric(12,2),          -- average receipt cost from inventory movements
    is_limited   boolean,
    valid_from   timestamptz NOT NULL,
    valid_to     timestamptz NOT NULL,
    is_current   boolean NOT NULL
);

CREATE TABLE IF NOT EXISTS gold.dim_customer (
    customer_sk  bigint PRIMARY KEY,
    customer_id  text NOT NULL,
    full_name    text,
    email        text,
    phone        text,
    gender       text,
    city         text,
    loyalty_tier text,
    signup_date  date,
    valid_from   timestamptz NOT NULL,
    valid_to     timestamptz NOT NULL,
    is_current   boolean NOT NULL
);

-- Grain: one order line. Keys point at the dimension versions valid when the order was placed;
-- the durable ids (customer_id, product_id) are kept too so "all history of X" needs no dim join.
CREATE TABLE IF NOT EXISTS gold.fact_sales (
    order_item_id text PRIMARY KEY,
    order_id      text NOT NULL,
    line_no       int NOT NULL,
    date_key      int NOT NULL,
    order_date    date NOT NULL,           -- IST business day (= dim_date.full_date)
    order_ts      timestamptz NOT NULL,
    customer_sk   bigint NOT NULL,
    customer_id   text NOT NULL,
    product_sk    bigint NOT NULL,
    product_id    text NOT NULL,
    store_id      text NOT NULL,
    channel_key   smallint NOT NULL,
    promotion_code text,
    order_status  text,
    size          numeric(4,1),
    quantity      int NOT NULL,
    unit_price    numeric(12,2) NOT NULL,
    discount      numeric(12,2) NOT NULL,
    revenue       numeric(14,2) NOT NULL,  -- quantity * unit_price - discount
    cost          numeric(14,2) NOT NULL,  -- quantity * the product's unit cost
    is_returned   boolean NOT NULL,
    returned_qty  int NOT NULL,
    etl_run_id    bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS gold.daily_sales_summary (
    sale_date       date PRIMARY KEY,
    orders          bigint NOT NULL,
    order_lines     bigint NOT NULL,
    units           bigint NOT NULL,
    revenue         numeric(16,2) NOT NULL,
    cost            numeric(16,2) NOT NULL,
    discount        numeric(16,2) NOT NULL,
    gross_margin    numeric(16,2) NOT NULL,
    returned_units  bigint NOT NULL,
    customers       bigint NOT NULL,
    avg_order_value numeric(14,2) NOT NULL
);

CREATE TABLE IF NOT EXISTS gold.customer_360 (
    customer_id       text PRIMARY KEY,
    full_name         text,
    email             text,
    city              text,
    loyalty_tier      text,
    signup_date       date,
    first_order_date  date,
    last_order_date   date,
    orders            bigint NOT NULL,
    units             bigint NOT NULL,
    revenue           numeric(16,2) NOT NULL,
    avg_order_value   numeric(14,2),
    returned_units    bigint NOT NULL,
    favourite_brand   text,
    favourite_channel text,
    sessions          bigint NOT NULL,
    reviews           bigint NOT NULL,
    avg_rating        numeric(4,2)
);

CREATE TABLE IF NOT EXISTS gold.product_performance (
    product_id      text PRIMARY KEY,
    sku             text,
    brand           text,
    model           text,
    category        text,
    orders          bigint NOT NULL,
    units           bigint NOT NULL,
    revenue         numeric(16,2) NOT NULL,
    cost            numeric(16,2) NOT NULL,
    gross_margin    numeric(16,2) NOT NULL,
    returned_units  bigint NOT NULL,
    return_rate     numeric(6,4),
    reviews         bigint NOT NULL,
    avg_rating      numeric(4,2),
    first_sale_date date,
    last_sale_date  date
);

CREATE TABLE IF NOT EXISTS gold.daily_brand_sales (
    sale_date  date NOT NULL,
    brand      text NOT NULL,
    orders     bigint NOT NULL,
    units      bigint NOT NULL,
    revenue    numeric(16,2) NOT NULL,
    returned_units bigint NOT NULL,
    PRIMARY KEY (sale_date, brand)
);

CREATE TABLE IF NOT EXISTS gold.city_daily_metrics (
    sale_date      date NOT NULL,
    city           text NOT NULL,
    orders         bigint NOT NULL,
    units          bigint NOT NULL,
    revenue        numeric(16,2) NOT NULL,
    customers      bigint NOT NULL,
    returned_units bigint NOT NULL,
    PRIMARY KEY (sale_date, city)
);

-- By the selling store and the channel: what the dashboard's store map and its store, city and
-- channel filters read. An order has one day, one store and one channel, so summing orders over
-- days, stores or channels counts each order once.
CREATE TABLE IF NOT EXISTS gold.daily_store_sales (
    sale_date      date NOT NULL,
    store_id       text NOT NULL,
    channel_key    smallint NOT NULL,
    orders         bigint NOT NULL,
    units          bigint NOT NULL,
    revenue        numeric(16,2) NOT NULL,
    returned_units bigint NOT NULL,
    PRIMARY KEY (sale_date, store_id, channel_key)
);

-- By product version and day: the dashboard's top SKUs for any date range, filtered by brand or
-- category (about a third of the fact rows, a fraction of their width).
CREATE TABLE IF NOT EXISTS gold.daily_product_sales (
    sale_date      date NOT NULL,
    product_sk     bigint NOT NULL,
    units          bigint NOT NULL,
    revenue        numeric(16,2) NOT NULL,
    returned_units bigint NOT NULL,
    PRIMARY KEY (sale_date, product_sk)
);

-- Popularity over the last 30 days of data (as_of_date = the latest sale date), ranked overall,
-- within the brand and within the category.
CREATE TABLE IF NOT EXISTS gold.sku_popularity_rank (
    product_id       text PRIMARY KEY,
    sku              text,
    brand            text,
    category         text,
    as_of_date       date NOT NULL,
    units_30d        bigint NOT NULL,
    revenue_30d      numeric(16,2) NOT NULL,
    units_total      bigint NOT NULL,
    rank_overall     int NOT NULL,
    rank_in_brand    int NOT NULL,
    rank_in_category int NOT NULL
);

-- Fixed-date holidays for every year the warehouse may cover, then the lunar ones by year.
INSERT INTO gold.festivals (festival_date, festival)
SELECT make_date(y, m, d), name
FROM generate_series(2015, 2035) AS y,
     (VALUES (1, 1, 'New Year'), (1, 14, 'Pongal'), (1, 15, 'Pongal'), (1, 16, 'Pongal'),
             (1, 26, 'Republic Day'), (4, 14, 'Tamil New Year'), (5, 1, 'May Day'),
             (8, 15, 'Independence Day'), (10, 2, 'Gandhi Jayanti'), (12, 25, 'Christmas'))
         AS f(m, d, name)
ON CONFLICT (festival_date) DO NOTHING;

INSERT INTO gold.festivals (festival_date, festival) VALUES
    ('2022-10-24', 'Diwali'), ('2023-11-12', 'Diwali'), ('2024-10-31', 'Diwali'),
    ('2025-10-20', 'Diwali'), ('2026-11-08', 'Diwali'), ('2027-10-29', 'Diwali'),
    ('2028-10-17', 'Diwali'),
    ('2022-08-31', 'Vinayaka Chaturthi'), ('2023-09-18', 'Vinayaka Chaturthi'),
    ('2024-09-07', 'Vinayaka Chaturthi'), ('2025-08-27', 'Vinayaka Chaturthi'),
    ('2026-09-14', 'Vinayaka Chaturthi'), ('2027-09-04', 'Vinayaka Chaturthi'),
    ('2028-08-23', 'Vinayaka Chaturthi'),
    ('2022-10-04', 'Ayudha Pooja'), ('2023-10-23', 'Ayudha Pooja'), ('2024-10-11', 'Ayudha Pooja'),
    ('2025-10-01', 'Ayudha Pooja'), ('2026-10-19', 'Ayudha Pooja'), ('2027-10-08', 'Ayudha Pooja'),
    ('2028-09-27', 'Ayudha Pooja')
ON CONFLICT (festival_date) DO NOTHING;

INSERT INTO gold.dim_channel (channel_key, channel, is_online) VALUES
    (1, 'store', false), (2, 'online', true), (3, 'app', true), (0, 'unknown', false)
ON CONFLICT (channel_key) DO NOTHING;

INSERT INTO gold.dim_store (store_id, store_name, city) VALUES ('UNKNOWN', 'unknown store', 'unknown')
ON CONFLICT (store_id) DO NOTHING;
