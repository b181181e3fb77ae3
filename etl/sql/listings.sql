-- The resale marketplace feed (bronze.resale_listings) and its truth (truth.listings), written by
-- `autopilot-etl generate` (etl/src/gen_listings.*). Unlike the other bronze tables the feed is
-- typed: it comes from the marketplace's API, which validates its own fields, so there is no
-- landing dirt to keep. `authentication_result` is what the marketplace's authenticators
-- concluded once a listing was old enough to have been checked (NULL before): the labelled
-- history the authenticity model learns from. Idempotent.
CREATE SCHEMA IF NOT EXISTS bronze;
CREATE SCHEMA IF NOT EXISTS truth;

CREATE TABLE IF NOT EXISTS bronze.resale_listings (
    listing_id        bigint PRIMARY KEY,
    listed_on         date NOT NULL,
    seller_id         bigint NOT NULL,
    product_id        text NOT NULL,         -- the catalogue product the seller picked ('P000001')
    sku_code          text,                  -- the code the seller typed (from the box label)
    size              numeric(3,1) NOT NULL, -- UK
    condition         text NOT NULL,         -- new | used
    asking_price      numeric(12,2) NOT NULL,
    photo_count       int NOT NULL,
    description       text,
    seller_joined_on  date NOT NULL,
    seller_sales      int NOT NULL,          -- completed sales before this listing
    seller_rating     numeric(2,1),          -- NULL when the seller has no rated sale
    authentication_result text CHECK (authentication_result IN ('genuine', 'counterfeit')),
    _batch_id         bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS truth.listings (
    listing_id    bigint PRIMARY KEY,
    counterfeit   boolean NOT NULL,
    seller_type   text NOT NULL,             -- casual | reseller | counterfeiter
    market_price  numeric(12,2) NOT NULL,    -- the resale market price for the SKU and size that day
    batch_id      bigint NOT NULL
);
