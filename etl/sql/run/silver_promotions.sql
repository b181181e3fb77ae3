-- bronze.promotions -> silver.promotions: typed; the latest delivery of a code wins.
CREATE TEMP TABLE stage ON COMMIT DROP AS
SELECT b._batch_id, b._ingested_at, to_jsonb(b) AS payload,
       nullif(btrim(b.promotion_code), '') AS promotion_code,
       nullif(btrim(b.name), '') AS promotion_name,
       CASE WHEN etl.is_numeric(b.discount_pct) AND b.discount_pct::numeric BETWEEN 0 AND 100
            THEN b.discount_pct::numeric(5,2) END AS discount_pct,
       CASE WHEN etl.is_date(b.starts_on) THEN b.starts_on::date END AS starts_on,
       CASE WHEN etl.is_date(b.ends_on) THEN b.ends_on::date END AS ends_on,
       nullif(btrim(b.brand), '') AS brand,
       nullif(btrim(b.category), '') AS category,
       nullif(btrim(b.channel), '') AS channel
FROM bronze.promotions b
WHERE b._batch_id > (SELECT etl.watermark('silver.promotions'))
  AND b._batch_id IN (SELECT batch_id FROM bronze.load_batches
                      WHERE status = 'complete' AND batch_id <= current_setting('etl.batch_hi')::bigint);

CREATE TEMP TABLE rej ON COMMIT DROP AS
SELECT _batch_id, promotion_code, payload, 'missing promotion_code' AS reason
FROM stage WHERE promotion_code IS NULL;

INSERT INTO silver.rejects (run_id, batch_id, source, source_key, reason, action, payload)
SELECT etl.current_run(), _batch_id, 'bronze.promotions', promotion_code, reason, 'rejected', payload FROM rej;

CREATE TEMP TABLE latest ON COMMIT DROP AS
SELECT DISTINCT ON (promotion_code) * FROM stage WHERE promotion_code IS NOT NULL
ORDER BY promotion_code, _ingested_at DESC, _batch_id DESC;

MERGE INTO silver.promotions t
USING latest s ON t.promotion_code = s.promotion_code
WHEN MATCHED AND (t.promotion_name, t.discount_pct, t.starts_on, t.ends_on, t.brand, t.category, t.channel)
        IS DISTINCT FROM (s.promotion_name, s.discount_pct, s.starts_on, s.ends_on, s.brand, s.category, s.channel)
    THEN UPDATE SET promotion_name = s.promotion_name, discount_pct = s.discount_pct, starts_on = s.starts_on,
                    ends_on = s.ends_on, brand = s.brand, category = s.category, channel = s.channel,
                    etl_run_id = etl.current_run()
WHEN NOT MATCHED THEN
    INSERT (promotion_code, promotion_name, discount_pct, starts_on, ends_on, brand, category, channel, etl_run_id)
    VALUES (s.promotion_code, s.promotion_name, s.discount_pct, s.starts_on, s.ends_on, s.brand, s.category,
            s.channel, etl.current_run());

SELECT etl.advance('silver.promotions', current_setting('etl.batch_hi')::bigint);

SELECT (SELECT count(*) FROM stage) AS rows_in,
       (SELECT count(*) FROM latest) AS rows_out,
       (SELECT count(*) FROM rej) AS rows_rejected;
