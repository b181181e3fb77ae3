-- Schema bronze: the raw landing zone of the sneaker warehouse, exactly as the sources deliver it.
-- Business columns are text (as landed: malformed values must survive to be rejected in silver);
-- every row carries _ingested_at (when the source delivered it, simulated by the generator so a
-- generation is reproducible) and _batch_id (the load that wrote it, see bronze.load_batches).
--
-- Tables are UNLOGGED: bronze is re-creatable from the generator's seed, and skipping WAL roughly
-- halves load time (docs/decisions.md). No keys: bronze keeps duplicates, silver removes them.
-- Idempotent: safe to run on every `autopilot-etl generate`.

CREATE SCHEMA IF NOT EXISTS bronze;
COMMENT ON SCHEMA bronze IS 'raw landing zone of the warehouse: text columns as delivered, duplicates and dirt included';

-- One row per load. Readers (the ETL) take only rows whose batch is 'complete': a load that
-- failed or is still running is never mistaken for data. A fresh (non-append) generate empties
-- bronze and marks the earlier batches 'replaced'; batch ids keep increasing.
CREATE TABLE IF NOT EXISTS bronze.load_batches (
    batch_id          bigint PRIMARY KEY,
    kind              text NOT NULL CHECK (kind IN ('initial', 'append')),
    status            text NOT NULL CHECK (status IN ('loading', 'complete', 'failed', 'replaced')),
    seed              bigint NOT NULL,
    scale             double precision NOT NULL,
    first_day         date NOT NULL,          -- business days this batch covers (landing days)
    last_day          date NOT NULL,
    generator_version text NOT NULL,
    started_at        timestamptz NOT NULL DEFAULT now(),
    finished_at       timestamptz,
    row_counts        jsonb,                  -- {"orders": n, ...} once complete
    error             text
);

CREATE UNLOGGED TABLE IF NOT EXISTS bronze.stores (
    store_id        text,   -- 'S001'
    store_code      text,   -- 'TN-CHE-01'
    name            text,
    store_type      text,   -- flagship | mall | high_street | outlet | warehouse
    address         text,
    city            text,
    district        text,
    state           text,
    pincode         text,
    latitude        text,
    longitude       text,
    city_population text,
    area_sqft       text,
    opened_on       text,   -- 'YYYY-MM-DD'
    closed_on       text,   -- NULL while open
    _ingested_at    timestamptz NOT NULL,
    _batch_id       bigint NOT NULL
);

-- A product is one model in one colourway (an article); the size is chosen per order line.
CREATE UNLOGGED TABLE IF NOT EXISTS bronze.products (
    product_id      text,   -- 'P000001'
    sku             text,   -- brand-style article code, e.g. 'NK-DZ5485-612'
    brand           text,
    model           text,
    product_name    text,
    category        text,   -- running | basketball | lifestyle | skate | training | trail | sandals | kids
    gender          text,   -- men | women | unisex | kids
    colourway       text,
    material        text,
    size_range      text,   -- 'UK 6-12'
    release_date    text,   -- 'YYYY-MM-DD'
    msrp            text,   -- INR, as the catalogue says
    list_price      text,   -- current selling price, INR (changes over time)
    is_limited      text,   -- 'true' | 'false'
    updated_at      text,   -- source system's change timestamp (SCD2 material)
    _ingested_at    timestamptz NOT NULL,
    _batch_id       bigint NOT NULL
);

CREATE UNLOGGED TABLE IF NOT EXISTS bronze.customers (
    customer_id      text,  -- 'C0000001'
    first_name       text,
    last_name        text,
    email            text,
    phone            text,  -- '+91 98xxxxxxxx' when well formed
    gender           text,
    birth_date       text,
    city             text,
    pincode          text,
    signup_at        text,  -- timestamp text
    loyalty_tier     text,  -- none | silver | gold | platinum
    marketing_opt_in text,
    updated_at       text,  -- source system's change timestamp (SCD2 material)
    _ingested_at     timestamptz NOT NULL,
    _batch_id        bigint NOT NULL
);

CREATE UNLOGGED TABLE IF NOT EXISTS bronze.promotions (
    promotion_code  text,   -- 'PONGAL25'
    name            text,
    discount_pct    text,
    starts_on       text,
    ends_on         text,
    brand           text,   -- NULL = every brand
    category        text,   -- NULL = every category
    channel         text,   -- NULL = every channel
    _ingested_at    timestamptz NOT NULL,
    _batch_id       bigint NOT NULL
);

CREATE UNLOGGED TABLE IF NOT EXISTS bronze.orders (
    order_id        text,   -- 'O000000001'
    customer_id     text,
    channel         text,   -- online | store | app
    store_id        text,   -- the selling store; for online/app the fulfilling store
    order_ts        text,   -- local time, 'YYYY-MM-DD HH:MM:SS+05:30'
    status          text,   -- placed | shipped | delivered | cancelled | returned
    promotion_code  text,
    payment_method  text,   -- upi | card | netbanking | wallet | cod | cash
    currency        text,
    order_total     text,   -- as the source computed it (sum of lines after discount)
    shipping_city   text,
    shipping_pincode text,
    session_id      text,   -- web/app session that placed it, NULL for store orders
    updated_at      text,
    _ingested_at    timestamptz NOT NULL,
    _batch_id       bigint NOT NULL
);

CREATE UNLOGGED TABLE IF NOT EXISTS bronze.order_items (
    order_item_id   text,   -- '<order_id>-<line_no>'
    order_id        text,
    line_no         text,
    product_id      text,
    size            text,   -- UK size, e.g. '8.5'
    quantity        text,
    unit_price      text,   -- INR before discount
    discount_amount text,   -- INR for the line
    returned        text,   -- 'true' | 'false'
    return_reason   text,
    returned_at     text,
    _ingested_at    timestamptz NOT NULL,
    _batch_id       bigint NOT NULL
);

CREATE UNLOGGED TABLE IF NOT EXISTS bronze.inventory_movements (
    movement_id     text,   -- 'M000000001'
    product_id      text,
    store_id        text,   -- 'S000' is the central warehouse
    movement_ts     text,
    movement_type   text,   -- receipt | sale | return | adjustment | transfer_in | transfer_out
    quantity        text,   -- signed: receipts/returns positive, sales negative
    reference       text,   -- order_item_id for sale/return, PO number for receipt
    unit_cost       text,
    _ingested_at    timestamptz NOT NULL,
    _batch_id       bigint NOT NULL
);

CREATE UNLOGGED TABLE IF NOT EXISTS bronze.reviews (
    review_id       text,
    product_id      text,
    customer_id     text,
    order_id        text,
    rating          text,   -- 1..5
    title           text,
    body            text,
    review_ts       text,
    verified_purchase text,
    helpful_votes   text,
    _ingested_at    timestamptz NOT NULL,
    _batch_id       bigint NOT NULL
);

CREATE UNLOGGED TABLE IF NOT EXISTS bronze.sessions (
    session_id      text,   -- 'W00000000001'
    customer_id     text,   -- NULL for anonymous visitors
    channel         text,   -- web | app
    device          text,   -- mobile | desktop | tablet
    os              text,
    traffic_source  text,   -- direct | organic | paid_search | social | email | referral
    utm_campaign    text,
    city            text,   -- geo-IP city
    started_at      text,
    ended_at        text,
    _ingested_at    timestamptz NOT NULL,
    _batch_id       bigint NOT NULL
);

CREATE UNLOGGED TABLE IF NOT EXISTS bronze.clickstream_events (
    event_id        text,   -- '<session_id>-<seq>'
    session_id      text,
    event_seq       text,
    event_ts        text,
    event_type      text,   -- page_view | search | product_view | add_to_cart | remove_from_cart | begin_checkout | purchase
    page_url        text,
    product_id      text,
    order_id        text,   -- purchase events only
    _ingested_at    timestamptz NOT NULL,
    _batch_id       bigint NOT NULL
);
