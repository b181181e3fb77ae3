-- Schema silver: typed, cleaned, deduplicated copies of bronze; customers and products as SCD
-- type 2; clickstream partitioned by day; rejected bronze rows kept with the reason.
-- Ids stay the source's text business keys (C0000001, P000001, ...): the generator's ground truth
-- and every consumer use them. Primary keys only: secondary indexes are the advisor's job.
-- Every table carries etl_run_id, the run that last wrote the row (gold reads silver by it).
-- Idempotent: `autopilot-etl run` applies it before every run.
CREATE SCHEMA IF NOT EXISTS silver;

-- SCD type 2: one row per version of a customer. valid_from is the source's updated_at of the
-- version; valid_to is the next version's valid_from, 'infinity' for the current one.
-- row_hash (md5 of the tracked attributes) is what change detection compares.
CREATE TABLE IF NOT EXISTS silver.customers (
    customer_sk      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id      text NOT NULL,
    first_name       text,
    last_name        text,
    email            text,
    phone            text,
    gender           text,
    birth_date       date,
    city             text,
    pincode          text,
    signup_at        timestamptz,
    loyalty_tier     text,
    marketing_opt_in boolean,
    row_hash         text NOT NULL,
    valid_from       timestamptz NOT NULL,
    valid_to         timestamptz NOT NULL DEFAULT 'infinity',
    is_current       boolean NOT NULL,
    etl_run_id       bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS silver.products (
    product_sk   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id   text NOT NULL,
    sku          text,
    brand        text NOT NULL,
    model        text,
    product_name text,
    category     text,
    gender       text,
    colourway    text,
    material     text,
    size_range   text,
    release_date date,
    msrp         numeric(12,2),
    list_price   numeric(12,2),
    is_limited   boolean,
    row_hash     text NOT NULL,
    valid_from   timestamptz NOT NULL,
    valid_to     timestamptz NOT NULL DEFAULT 'infinity',
    is_current   boolean NOT NULL,
    etl_run_id   bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS silver.stores (
    store_id     text PRIMARY KEY,
    store_code   text,
    store_name   text NOT NULL,
    store_type   text,
    address      text,
    city         text NOT NULL,
    district     text,
    state        text,
    pincode      text,
    latitude     double precision,
    longitude    double precision,
    population   bigint,
    area_sqft    int,
    opened_on    date,
    closed_on    date,
    etl_run_id   bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS silver.promotions (
    promotion_code text PRIMARY KEY,
    promotion_name text,
    discount_pct   numeric(5,2),
    starts_on      date,
    ends_on        date,
    brand          text,
    category       text,
    channel        text,
    etl_run_id     bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS silver.orders (
    order_id         text PRIMARY KEY,
    customer_id      text NOT NULL,
    channel          text NOT NULL,
    store_id         text,
    order_ts         timestamptz NOT NULL,
    order_date       date NOT NULL,          -- IST business day
    status           text,
    promotion_code   text,
    payment_method   text,
    order_total      numeric(14,2),
    shipping_city    text,
    shipping_pincode text,
    session_id       text,
    updated_at       timestamptz,
    ingested_at      timestamptz NOT NULL,
    etl_run_id       bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS silver.order_items (
    order_item_id   text PRIMARY KEY,
    order_id        text NOT NULL,
    line_no         int NOT NULL,
    product_id      text NOT NULL,
    size            numeric(4,1),
    quantity        int NOT NULL,
    unit_price      numeric(12,2) NOT NULL,
    discount_amount numeric(12,2) NOT NULL,
    returned        boolean NOT NULL,
    return_reason   text,
    returned_at     timestamptz,
    etl_run_id      bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS silver.inventory_movements (
    movement_id   text PRIMARY KEY,
    product_id    text NOT NULL,
    store_id      text NOT NULL,
    movement_ts   timestamptz NOT NULL,
    movement_type text NOT NULL,
    quantity      int NOT NULL,
    reference     text,
    unit_cost     numeric(12,2),
    etl_run_id    bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS silver.reviews (
    review_id         text PRIMARY KEY,
    product_id        text NOT NULL,
    customer_id       text NOT NULL,
    order_id          text,
    rating            smallint NOT NULL,
    title             text,
    body              text,
    review_ts         timestamptz NOT NULL,
    verified_purchase boolean,
    helpful_votes     int,
    etl_run_id        bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS silver.sessions (
    session_id     text PRIMARY KEY,
    customer_id    text,                     -- NULL for anonymous visitors
    channel        text,
    device         text,
    os             text,
    traffic_source text,
    utm_campaign   text,
    city           text,
    started_at     timestamptz NOT NULL,
    ended_at       timestamptz,
    etl_run_id     bigint NOT NULL
);

-- Partitioned by IST day; partitions silver.clickstream_YYYYMMDD are created by the load as days
-- appear (etl.ensure_clickstream_partitions). customer_id is copied from the session.
CREATE TABLE IF NOT EXISTS silver.clickstream (
    event_id    text NOT NULL,
    event_date  date NOT NULL,
    event_ts    timestamptz NOT NULL,
    session_id  text NOT NULL,
    event_seq   int,
    customer_id text,
    event_type  text NOT NULL,
    page_url    text,
    product_id  text,
    order_id    text,
    etl_run_id  bigint NOT NULL,
    PRIMARY KEY (event_date, event_id)
) PARTITION BY RANGE (event_date);

-- Bronze rows silver did not take as delivered, with the reason. action 'rejected': the row was
-- dropped (a duplicate, an order without a customer, a negative quantity...); 'cleaned': the row
-- was loaded with the offending value set to NULL (a malformed email or phone). source is the
-- bronze table, source_key its business key, payload the bronze row as JSON.
CREATE TABLE IF NOT EXISTS silver.rejects (
    reject_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id      bigint NOT NULL,
    batch_id    bigint,
    source      text NOT NULL,
    source_key  text,
    reason      text NOT NULL,
    action      text NOT NULL CHECK (action IN ('rejected', 'cleaned')),
    payload     jsonb,
    rejected_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
