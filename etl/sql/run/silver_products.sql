-- bronze.products -> silver.products (SCD type 2; price changes make versions too).
-- Delta: rows of complete batches above the step's watermark. A version is (product_id, the
-- source's updated_at); change detection compares row_hash with the neighbouring version in time,
-- so a late-arriving change is slotted into the history where it belongs and an unchanged
-- re-delivery adds nothing. Existing versions are never deleted (facts reference them); only
-- their valid_to / is_current move.
CREATE TEMP TABLE stage ON COMMIT DROP AS
SELECT b._batch_id, b._ingested_at, to_jsonb(b) AS payload,
       nullif(btrim(b.product_id), '') AS product_id,
       nullif(btrim(b.sku), '') AS sku,
       coalesce(nullif(btrim(b.brand), ''),
                (SELECT p.brand FROM silver.products p
                 WHERE p.product_id = btrim(b.product_id) AND p.is_current AND p.brand <> 'unknown'),
                'unknown') AS brand,
       CASE WHEN nullif(btrim(b.brand), '') IS NULL THEN 'missing brand' END AS brand_issue,
       nullif(btrim(b.model), '') AS model,
       nullif(btrim(b.product_name), '') AS product_name,
       nullif(btrim(b.category), '') AS category,
       nullif(btrim(b.gender), '') AS gender,
       nullif(btrim(b.colourway), '') AS colourway,
       nullif(btrim(b.material), '') AS material,
       nullif(btrim(b.size_range), '') AS size_range,
       CASE WHEN etl.is_date(b.release_date) THEN b.release_date::date END AS release_date,
       CASE WHEN etl.is_numeric(b.msrp) AND b.msrp::numeric >= 0 THEN b.msrp::numeric(12,2) END AS msrp,
       CASE WHEN etl.is_numeric(b.list_price) AND b.list_price::numeric >= 0 THEN b.list_price::numeric(12,2) END AS list_price,
       CASE lower(b.is_limited) WHEN 'true' THEN true WHEN 'false' THEN false END AS is_limited,
       CASE WHEN etl.is_timestamp(b.updated_at) THEN b.updated_at::timestamptz ELSE b._ingested_at END AS valid_from,
       row_number() OVER (PARTITION BY b.product_id COLLATE "C", hashtext((b.product_id, b.sku, b.brand, b.model, b.product_name, b.category,
                                             b.gender, b.colourway, b.material, b.size_range, b.release_date,
                                             b.msrp, b.list_price, b.is_limited, b.updated_at)::text)
                          ORDER BY b._ingested_at, b._batch_id) AS copy_no
FROM bronze.products b
WHERE b._batch_id > (SELECT etl.watermark('silver.products'))
  AND b._batch_id IN (SELECT batch_id FROM bronze.load_batches
                      WHERE status = 'complete' AND batch_id <= current_setting('etl.batch_hi')::bigint);

ALTER TABLE stage ADD COLUMN row_hash text;
UPDATE stage SET row_hash = md5((sku, brand, model, product_name, category, gender, colourway, material,
                                 size_range, release_date, msrp, list_price, is_limited)::text);

CREATE TEMP TABLE rej ON COMMIT DROP AS
SELECT s._batch_id, s.product_id, s.payload,
       CASE WHEN s.product_id IS NULL THEN 'missing product_id' ELSE 'duplicate' END AS reason,
       'rejected' AS action
FROM stage s
LEFT JOIN silver.products c ON c.product_id = s.product_id AND c.valid_from = s.valid_from AND c.row_hash = s.row_hash
WHERE s.product_id IS NULL OR s.copy_no > 1 OR c.product_sk IS NOT NULL;

INSERT INTO rej
SELECT _batch_id, product_id, payload, issue, 'cleaned'
FROM stage s, LATERAL (VALUES (brand_issue)) AS i(issue)
WHERE issue IS NOT NULL AND product_id IS NOT NULL AND copy_no = 1;

INSERT INTO silver.rejects (run_id, batch_id, source, source_key, reason, action, payload)
SELECT etl.current_run(), _batch_id, 'bronze.products', product_id, reason, action, payload FROM rej;

-- New candidate versions: one per (product_id, valid_from), the last delivered wins.
CREATE TEMP TABLE cand ON COMMIT DROP AS
SELECT DISTINCT ON (product_id, valid_from) *
FROM stage s
WHERE product_id IS NOT NULL AND copy_no = 1
  AND NOT EXISTS (SELECT 1 FROM silver.products c
                  WHERE c.product_id = s.product_id AND c.valid_from = s.valid_from)
ORDER BY product_id, valid_from, _ingested_at DESC, _batch_id DESC;

-- The full history of every touched product: existing versions plus candidates, in time order.
-- A candidate equal to the version before it is no change and is dropped.
CREATE TEMP TABLE hist ON COMMIT DROP AS
WITH allv AS (
    SELECT c.product_sk, c.product_id, c.valid_from, c.row_hash, false AS is_new
    FROM silver.products c WHERE c.product_id IN (SELECT product_id FROM cand)
    UNION ALL
    SELECT NULL, product_id, valid_from, row_hash, true FROM cand
), marked AS (
    SELECT *, lag(row_hash) OVER (PARTITION BY product_id ORDER BY valid_from) AS prev_hash FROM allv
), kept AS (
    SELECT * FROM marked WHERE NOT is_new OR prev_hash IS DISTINCT FROM row_hash
)
SELECT product_sk, product_id, valid_from, is_new,
       lead(valid_from, 1, 'infinity') OVER w AS valid_to,
       lead(valid_from) OVER w IS NULL AS is_current
FROM kept WINDOW w AS (PARTITION BY product_id ORDER BY valid_from);

UPDATE silver.products c
SET valid_to = h.valid_to, is_current = h.is_current, etl_run_id = etl.current_run()
FROM hist h
WHERE NOT h.is_new AND c.product_sk = h.product_sk
  AND (c.valid_to, c.is_current) IS DISTINCT FROM (h.valid_to, h.is_current);

INSERT INTO silver.products (product_id, sku, brand, model, product_name, category, gender, colourway,
                             material, size_range, release_date, msrp, list_price, is_limited, row_hash,
                             valid_from, valid_to, is_current, etl_run_id)
SELECT c.product_id, c.sku, c.brand, c.model, c.product_name, c.category, c.gender, c.colourway,
       c.material, c.size_range, c.release_date, c.msrp, c.list_price, c.is_limited, c.row_hash,
       c.valid_from,
       h.valid_to, h.is_current, etl.current_run()
FROM cand c JOIN hist h ON h.is_new AND h.product_id = c.product_id AND h.valid_from = c.valid_from
ORDER BY c.product_id, c.valid_from;

SELECT etl.advance('silver.products', current_setting('etl.batch_hi')::bigint);

SELECT (SELECT count(*) FROM stage) AS rows_in,
       (SELECT count(*) FROM hist WHERE is_new) AS rows_out,
       (SELECT count(*) FROM rej WHERE action = 'rejected') AS rows_rejected;
