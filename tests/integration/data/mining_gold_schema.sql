-- The gold tables the mining jobs read, as the warehouse defines them (etl/sql/gold.sql), for
-- tests that build a small gold by hand. IF NOT EXISTS: harmless where the warehouse made them.
CREATE SCHEMA IF NOT EXISTS gold;
CREATE TABLE IF NOT EXISTS gold.festivals (
    festival_date date PRIMARY KEY,
    festival      text NOT NULL
);
CREATE TABLE IF NOT EXISTS gold.dim_channel (
    channel_key  smallint PRIMARY KEY,
    channel      text NOT NULL,
    is_online    boolean NOT NULL
);
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
