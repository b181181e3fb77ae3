-- Schema mining: the results of `autopilot-etl mine forecast|anomalies|segments|authenticity`.
--
-- Every job run is a row of mining.model_runs. A run writes its result rows and flips its status to
-- 'complete' in one transaction, and removes the previous run's rows in that same transaction, so
-- readers always see exactly one complete result per job (or none) and never a half-written one.
-- A failed run keeps its model_runs row with status 'failed' and the error, and no result rows.
--
-- The authenticity model is XGBoost, trained in C++. So that SQL can score one listing on demand
-- (the dashboard's checker form calls mining.check_listing), the trained trees are dumped into
-- mining.authenticity_trees and evaluated by plpgsql; the listing features are computed by one SQL
-- function, mining.listing_features, used both to train (the C++ job reads its output) and to
-- score, so the two can never disagree. Reasons come from per-feature contributions computed
-- along each tree's path (Saabas; XGBoost's approx_contribs), phrased by mining.listing_reason.
-- Idempotent: safe to run before every mining job.
CREATE SCHEMA IF NOT EXISTS mining;
COMMENT ON SCHEMA mining IS 'results of the mining jobs: forecasts, anomalies, customer segments, listing checks';

CREATE TABLE IF NOT EXISTS mining.model_runs (
    run_id          bigserial PRIMARY KEY,
    job             text NOT NULL CHECK (job IN ('forecast', 'anomalies', 'segments', 'authenticity')),
    status          text NOT NULL CHECK (status IN ('running', 'complete', 'failed', 'skipped')),
    started_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    seed            bigint NOT NULL,
    data_first_day  date,                 -- the training window
    data_last_day   date,
    input_signature text,                 -- what the input looked like (a re-run on the same input is skipped)
    model_version   text,                 -- e.g. 'authenticity-20261125T143000-7'
    model_path      text,                 -- the saved model under the models directory
    params          jsonb NOT NULL DEFAULT '{}',
    metrics         jsonb NOT NULL DEFAULT '{}',  -- the model's evaluation
    baseline        jsonb NOT NULL DEFAULT '{}',  -- the simple baseline's, on the same data
    skipped         jsonb NOT NULL DEFAULT '[]',  -- [{ "what": ..., "reason": ... }] series/customers left out
    rows_written    bigint,
    error           text
);
CREATE INDEX IF NOT EXISTS model_runs_job_idx ON mining.model_runs (job, run_id DESC);

-- Daily units per product (SKU) and city for the next 28 days, with an 80% prediction interval.
CREATE TABLE IF NOT EXISTS mining.demand_forecast (
    run_id          bigint NOT NULL REFERENCES mining.model_runs ON DELETE CASCADE,
    product_id      text NOT NULL,
    city            text NOT NULL,
    forecast_date   date NOT NULL,
    horizon         int NOT NULL CHECK (horizon BETWEEN 1 AND 28),
    units           double precision NOT NULL,
    lower_80        double precision NOT NULL,
    upper_80        double precision NOT NULL,
    seasonal_naive  double precision NOT NULL,  -- the baseline's forecast (same weekday last week)
    model_version   text NOT NULL,
    PRIMARY KEY (run_id, product_id, city, forecast_date)
);

CREATE TABLE IF NOT EXISTS mining.anomalies (
    run_id        bigint NOT NULL REFERENCES mining.model_runs ON DELETE CASCADE,
    entity_kind   text NOT NULL,      -- store | brand | store_brand
    entity        text NOT NULL,      -- 'S012', 'Nike', 'S012/Nike'
    metric        text NOT NULL,      -- revenue | units | returns
    day           date NOT NULL,
    end_day       date NOT NULL,      -- runs of missing sales (stock-outs) span days
    actual        double precision NOT NULL,
    expected      double precision NOT NULL,
    score         double precision NOT NULL,  -- robust z: (log residual - median) / MAD
    direction     text NOT NULL CHECK (direction IN ('spike', 'drop')),
    reason        text NOT NULL,
    PRIMARY KEY (run_id, entity_kind, entity, metric, day)
);

CREATE TABLE IF NOT EXISTS mining.segment_profiles (
    run_id          bigint NOT NULL REFERENCES mining.model_runs ON DELETE CASCADE,
    cluster         int NOT NULL,
    label           text NOT NULL,
    customers       bigint NOT NULL,
    recency_days    double precision NOT NULL,   -- medians over the cluster's customers
    tenure_days     double precision NOT NULL,
    orders          double precision NOT NULL,
    monetary        double precision NOT NULL,
    online_share    double precision NOT NULL,   -- means
    top_brand_share double precision NOT NULL,
    avg_discount    double precision NOT NULL,
    PRIMARY KEY (run_id, cluster)
);

CREATE TABLE IF NOT EXISTS mining.customer_segments (
    run_id        bigint NOT NULL REFERENCES mining.model_runs ON DELETE CASCADE,
    customer_id   text NOT NULL,
    cluster       int NOT NULL,
    label         text NOT NULL,
    recency_days  double precision NOT NULL,
    tenure_days   double precision NOT NULL,
    orders        double precision NOT NULL,
    monetary      double precision NOT NULL,
    online_share  double precision NOT NULL,
    favourite_brand text,
    rule_segment  int,                -- the baseline's group (RFM tertile rules), for comparison
    PRIMARY KEY (run_id, customer_id)
);

-- The active authenticity model, dumped for SQL: one row per tree, nodes as parallel arrays
-- (index = XGBoost node id + 1). split_feature is -1 on leaves; mean_value is the cover-weighted
-- mean of the leaves below a node (what path contributions are measured against).
CREATE TABLE IF NOT EXISTS mining.authenticity_models (
    model_version  text PRIMARY KEY,
    run_id         bigint REFERENCES mining.model_runs ON DELETE SET NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    base_margin    double precision NOT NULL,
    feature_names  text[] NOT NULL,
    review_threshold      double precision NOT NULL,  -- probability from which a listing goes to review
    counterfeit_threshold double precision NOT NULL,  -- ... and from which it is likely counterfeit
    active         boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX IF NOT EXISTS authenticity_models_one_active ON mining.authenticity_models (active) WHERE active;

CREATE TABLE IF NOT EXISTS mining.authenticity_trees (
    model_version  text NOT NULL REFERENCES mining.authenticity_models ON DELETE CASCADE,
    tree           int NOT NULL,
    split_feature  int[] NOT NULL,
    threshold      real[] NOT NULL,
    left_child     int[] NOT NULL,
    right_child    int[] NOT NULL,
    default_left   boolean[] NOT NULL,
    leaf_value     double precision[] NOT NULL,
    mean_value     double precision[] NOT NULL,
    PRIMARY KEY (model_version, tree)
);

-- The resale market's median asking price per product (size NULL) and per product and size, from
-- the listings the model was trained on: what "below the market" is measured against.
CREATE TABLE IF NOT EXISTS mining.listing_reference (
    model_version  text NOT NULL REFERENCES mining.authenticity_models ON DELETE CASCADE,
    product_id     text NOT NULL,
    size           numeric(3,1),
    median_price   double precision NOT NULL,
    listings       int NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS listing_reference_key
    ON mining.listing_reference (model_version, product_id, coalesce(size, -1));

CREATE TABLE IF NOT EXISTS mining.listing_checks (
    run_id        bigint NOT NULL REFERENCES mining.model_runs ON DELETE CASCADE,
    listing_id    bigint NOT NULL,
    probability   double precision NOT NULL,   -- of being counterfeit
    verdict       text NOT NULL CHECK (verdict IN ('likely genuine', 'review', 'likely counterfeit')),
    reasons       text[] NOT NULL,
    model_version text NOT NULL,
    PRIMARY KEY (run_id, listing_id)
);

-- ---------------------------------------------------------------------------------------------
-- Listing features: the one definition used for training and scoring. NULL inputs give NULL
-- (missing) features, which the trees route along their learned default branch.
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION mining.listing_feature_names() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY['price_to_market', 'price_to_msrp', 'days_after_release', 'seller_account_age_days',
                 'log_seller_sales', 'seller_rating', 'photo_count', 'description_words',
                 'red_flag_terms', 'trust_terms', 'sku_code_matches', 'sku_code_well_formed', 'is_used']
$$;

-- Counterfeit wording and trust wording, as regular expressions over the lower-cased description.
CREATE OR REPLACE FUNCTION mining.red_flag_pattern() RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT '(1:1|\mua\M|unauthori[sz]ed|mirror quality|replica|no box|best quality|factory|same as original|unbranded|copy)' $$;
CREATE OR REPLACE FUNCTION mining.trust_pattern() RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT '(original box|receipt|brand store|tags attached|deadstock|invoice)' $$;

-- The resale market price a listing is compared with: the SKU-and-size median when at least five
-- listings back it, else the SKU's median, else the MSRP.
CREATE OR REPLACE FUNCTION mining.market_price(model_version text, product_id text, size numeric, msrp numeric)
RETURNS double precision
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(
        (SELECT r.median_price FROM mining.listing_reference r
          WHERE r.model_version = market_price.model_version AND r.product_id = market_price.product_id
            AND coalesce(r.size, -1) = coalesce(market_price.size, -2) AND r.listings >= 5),
        (SELECT r.median_price FROM mining.listing_reference r
          WHERE r.model_version = market_price.model_version AND r.product_id = market_price.product_id
            AND coalesce(r.size, -1) = -1),
        market_price.msrp::float8)
$$;

-- The feature vector of one listing, given what the catalogue says about its product (msrp,
-- release_date, catalogue_sku; NULL when the product is unknown) and the market price.
CREATE OR REPLACE FUNCTION mining.listing_features(
    asking_price numeric, market_price double precision, msrp numeric, release_date date, catalogue_sku text,
    sku_code text, photo_count int, description text, seller_joined_on date, seller_sales int,
    seller_rating numeric, condition text, listed_on date)
RETURNS double precision[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY[
        asking_price::float8 / nullif(market_price, 0),
        asking_price::float8 / nullif(msrp::float8, 0),
        (listed_on - release_date)::float8,
        (listed_on - seller_joined_on)::float8,
        ln(1 + greatest(seller_sales, 0))::float8,
        seller_rating::float8,
        photo_count::float8,
        CASE WHEN description IS NULL THEN NULL
             ELSE coalesce(array_length(regexp_split_to_array(nullif(trim(lower(description)), ''), '[\s,]+'), 1), 0)::float8 END,
        CASE WHEN description IS NULL THEN NULL
             ELSE (SELECT count(*) FROM regexp_matches(lower(description), mining.red_flag_pattern(), 'g'))::float8 END,
        CASE WHEN description IS NULL THEN NULL
             ELSE (SELECT count(*) FROM regexp_matches(lower(description), mining.trust_pattern(), 'g'))::float8 END,
        CASE WHEN sku_code IS NULL OR catalogue_sku IS NULL THEN NULL
             WHEN upper(trim(sku_code)) = upper(catalogue_sku) THEN 1 ELSE 0 END::float8,
        CASE WHEN sku_code IS NULL THEN NULL
             WHEN trim(sku_code) ~ '^[A-Z]{2}-[A-Z0-9]{2,8}-[0-9]{3}$' THEN 1 ELSE 0 END::float8,
        CASE WHEN condition IS NULL THEN NULL WHEN condition = 'used' THEN 1 ELSE 0 END::float8
    ]
$$;

-- Every listing of the resale feed with its features (what the authenticity job trains on and scores).
CREATE OR REPLACE FUNCTION mining.listing_feature_rows(model_version text)
RETURNS TABLE (listing_id bigint, listed_on date, authentication_result text, features double precision[])
LANGUAGE sql STABLE AS $$
    SELECT l.listing_id, l.listed_on, l.authentication_result,
           mining.listing_features(l.asking_price, mining.market_price(listing_feature_rows.model_version, l.product_id, l.size, p.msrp),
                                   p.msrp, p.release_date, p.sku, l.sku_code, l.photo_count, l.description,
                                   l.seller_joined_on, l.seller_sales, l.seller_rating, l.condition, l.listed_on)
    FROM bronze.resale_listings l
    LEFT JOIN gold.dim_product p ON p.product_id = l.product_id AND p.is_current
    ORDER BY l.listing_id
$$;

-- One sentence per feature, for the reasons a verdict gives. `contribution` > 0 pushes towards
-- counterfeit; the sentence says what about the value is suspicious (or reassuring).
CREATE OR REPLACE FUNCTION mining.listing_reason(feature text, value double precision, contribution double precision)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
      WHEN value IS NULL THEN replace(feature, '_', ' ') || ' not given'
      WHEN feature = 'price_to_market' THEN
        CASE WHEN value < 1 THEN format('asking price %s%% below the resale median for this SKU and size', round((1 - value) * 100))
             ELSE format('asking price %s%% above the resale median for this SKU and size', round((value - 1) * 100)) END
      WHEN feature = 'price_to_msrp' THEN
        CASE WHEN value < 1 THEN format('asking price %s%% below MSRP', round((1 - value) * 100))
             ELSE format('asking price %s%% above MSRP', round((value - 1) * 100)) END
      WHEN feature = 'days_after_release' THEN format('listed %s days after the release', round(value))
      WHEN feature = 'seller_account_age_days' THEN
        CASE WHEN contribution > 0 THEN format('seller account only %s days old', round(value))
             ELSE format('seller account %s days old', round(value)) END
      WHEN feature = 'log_seller_sales' THEN format('seller has %s completed sales', round(exp(value) - 1))
      WHEN feature = 'seller_rating' THEN format('seller rated %s of 5', round(value::numeric, 1))
      WHEN feature = 'photo_count' THEN
        CASE WHEN contribution > 0 THEN format('only %s photos', round(value)) ELSE format('%s photos', round(value)) END
      WHEN feature = 'description_words' THEN format('description of %s words', round(value))
      WHEN feature = 'red_flag_terms' THEN
        CASE WHEN value > 0 THEN 'description uses counterfeit wording (e.g. "1:1", "UA", "replica", "no box")'
             ELSE 'no counterfeit wording in the description' END
      WHEN feature = 'trust_terms' THEN
        CASE WHEN value > 0 THEN 'description mentions the original box, receipt or tags'
             ELSE 'description mentions no original box, receipt or tags' END
      WHEN feature = 'sku_code_matches' THEN
        CASE WHEN value > 0 THEN 'SKU code matches the catalogue' ELSE 'SKU code does not match the catalogue code for this product' END
      WHEN feature = 'sku_code_well_formed' THEN
        CASE WHEN value > 0 THEN 'SKU code has the brand''s format' ELSE 'SKU code is not in the brand''s format' END
      WHEN feature = 'is_used' THEN CASE WHEN value > 0 THEN 'sold as used' ELSE 'sold as new' END
      ELSE feature END
$$;

-- Scores a feature vector with the active model (or the one named): the probability of a
-- counterfeit, the verdict, and the three features that pushed the verdict most, in words.
CREATE OR REPLACE FUNCTION mining.score_listing(features double precision[], model text DEFAULT NULL)
RETURNS TABLE (probability double precision, verdict text, reasons text[], model_version text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    m        mining.authenticity_models%ROWTYPE;
    t        mining.authenticity_trees%ROWTYPE;
    margin   double precision;
    contrib  double precision[];
    node     int;
    child    int;
    f        int;
    x        double precision;
    nf       int;
BEGIN
    IF model IS NULL THEN
        SELECT * INTO m FROM mining.authenticity_models am WHERE am.active;
    ELSE
        SELECT * INTO m FROM mining.authenticity_models am WHERE am.model_version = model;
    END IF;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no authenticity model has been trained'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Run "autopilot-etl mine authenticity" first.';
    END IF;
    nf := array_length(m.feature_names, 1);
    IF features IS NULL OR coalesce(array_length(features, 1), 0) <> nf THEN
        RAISE EXCEPTION 'a listing has % features, got %', nf, coalesce(array_length(features, 1), 0)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    margin := m.base_margin;
    contrib := array_fill(0::float8, ARRAY[nf]);
    FOR t IN SELECT * FROM mining.authenticity_trees tr WHERE tr.model_version = m.model_version ORDER BY tr.tree LOOP
        node := 1;
        WHILE t.split_feature[node] >= 0 LOOP
            f := t.split_feature[node] + 1;
            x := features[f];
            -- XGBoost compares in single precision: x < threshold goes left; missing follows the default.
            IF x IS NULL OR x = 'NaN'::float8 THEN
                child := CASE WHEN t.default_left[node] THEN t.left_child[node] ELSE t.right_child[node] END + 1;
            ELSIF x::real < t.threshold[node] THEN
                child := t.left_child[node] + 1;
            ELSE
                child := t.right_child[node] + 1;
            END IF;
            contrib[f] := contrib[f] + t.mean_value[child] - t.mean_value[node];
            node := child;
        END LOOP;
        margin := margin + t.leaf_value[node];
    END LOOP;
    probability := 1 / (1 + exp(-margin));
    verdict := CASE WHEN probability >= m.counterfeit_threshold THEN 'likely counterfeit'
                    WHEN probability >= m.review_threshold THEN 'review'
                    ELSE 'likely genuine' END;
    -- Suspicious listings: the features pushing towards counterfeit; genuine ones: those pushing away.
    SELECT coalesce(array_agg(mining.listing_reason(m.feature_names[i], features[i], contrib[i]) ORDER BY ord), '{}')
      INTO reasons
      FROM (SELECT i, CASE WHEN verdict = 'likely genuine' THEN contrib[i] ELSE -contrib[i] END AS ord
              FROM generate_subscripts(contrib, 1) AS i
             WHERE CASE WHEN verdict = 'likely genuine' THEN contrib[i] < 0 ELSE contrib[i] > 0 END
             ORDER BY 2 LIMIT 3) top;
    model_version := m.model_version;
    RETURN NEXT;
END
$$;

-- The checker form's entry point: validates one listing as a user typed it and scores it.
CREATE OR REPLACE FUNCTION mining.check_listing(
    product_id text, size numeric, asking_price numeric, sku_code text DEFAULT NULL,
    photo_count int DEFAULT NULL, description text DEFAULT NULL, seller_joined_on date DEFAULT NULL,
    seller_sales int DEFAULT NULL, seller_rating numeric DEFAULT NULL, condition text DEFAULT 'new',
    listed_on date DEFAULT current_date)
RETURNS TABLE (probability double precision, verdict text, reasons text[], model_version text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    msrp          numeric;
    release       date;
    catalogue_sku text;
    active        text;
BEGIN
    IF product_id IS NULL OR size IS NULL OR asking_price IS NULL THEN
        RAISE EXCEPTION 'product_id, size and asking_price must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT d.msrp, d.release_date, d.sku INTO msrp, release, catalogue_sku FROM gold.dim_product d
     WHERE d.product_id = check_listing.product_id AND d.is_current
     LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'product "%" does not exist', product_id
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Give a product id of gold.dim_product, e.g. P000042.';
    END IF;
    IF asking_price <= 0 OR asking_price > 100 * msrp THEN
        RAISE EXCEPTION 'asking price % is out of range', asking_price
            USING ERRCODE = 'invalid_parameter_value', DETAIL = format('The MSRP of this product is %s.', msrp),
                  HINT = 'A price must be positive and at most 100 times the MSRP.';
    END IF;
    IF size < 1 OR size > 20 THEN
        RAISE EXCEPTION 'size % is out of range', size
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Sizes are UK sizes between 1 and 20.';
    END IF;
    IF photo_count < 0 OR photo_count > 100 THEN
        RAISE EXCEPTION 'photo count % is out of range', photo_count USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF seller_sales < 0 THEN
        RAISE EXCEPTION 'seller sales % must not be negative', seller_sales USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF seller_rating < 1 OR seller_rating > 5 THEN
        RAISE EXCEPTION 'seller rating % is out of range', seller_rating
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Ratings go from 1 to 5.';
    END IF;
    IF seller_joined_on > listed_on THEN
        RAISE EXCEPTION 'seller joined on % after the listing date %', seller_joined_on, listed_on
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF condition IS NOT NULL AND condition NOT IN ('new', 'used') THEN
        RAISE EXCEPTION 'condition must be "new" or "used", not "%"', condition USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT am.model_version INTO active FROM mining.authenticity_models am WHERE am.active;
    RETURN QUERY SELECT * FROM mining.score_listing(
        mining.listing_features(asking_price, mining.market_price(active, check_listing.product_id, size, msrp),
                                msrp, release, catalogue_sku, sku_code, photo_count, description,
                                seller_joined_on, seller_sales, seller_rating, condition, listed_on));
END
$$;

-- The latest complete result of each job, for readers that do not care about run ids.
CREATE OR REPLACE VIEW mining.latest_runs AS
    SELECT DISTINCT ON (job) * FROM mining.model_runs WHERE status = 'complete' ORDER BY job, run_id DESC;
