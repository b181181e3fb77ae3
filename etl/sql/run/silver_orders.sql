-- bronze.orders -> silver.orders: typed, exact copies dropped, orders without a customer or with a
-- malformed timestamp rejected. A re-delivered order with a newer updated_at (a status change)
-- updates the row.
CREATE TEMP TABLE stage ON COMMIT DROP AS
SELECT x.*,
       CASE WHEN order_id IS NULL THEN 'missing order_id'
            WHEN copy_no > 1 THEN 'duplicate'
            WHEN customer_id IS NULL THEN 'missing customer_id'
            WHEN bad_ts THEN 'malformed order_ts'
            WHEN order_ts IS NULL THEN 'missing order_ts'
            WHEN channel IS NULL THEN 'missing channel'
            WHEN kc.k IS NULL THEN 'unknown customer'
            WHEN o.k IS NOT NULL AND o.loaded_updated_at IS NOT DISTINCT FROM x.updated_at THEN 'duplicate'
       END AS reason
FROM (
    SELECT b._batch_id, b._ingested_at, b.ctid AS src,
           nullif(btrim(b.order_id), '') AS order_id,
           nullif(btrim(b.customer_id), '') AS customer_id,
           lower(nullif(btrim(b.channel), '')) AS channel,
           nullif(btrim(b.store_id), '') AS store_id,
           CASE WHEN etl.is_timestamp(b.order_ts) THEN b.order_ts::timestamptz END AS order_ts,
           b.order_ts IS NOT NULL AND NOT etl.is_timestamp(b.order_ts) AS bad_ts,
           lower(nullif(btrim(b.status), '')) AS status,
           nullif(btrim(b.promotion_code), '') AS promotion_code,
           nullif(btrim(b.payment_method), '') AS payment_method,
           CASE WHEN etl.is_numeric(b.order_total) THEN b.order_total::numeric(14,2) END AS order_total,
           nullif(btrim(b.shipping_city), '') AS shipping_city,
           nullif(btrim(b.shipping_pincode), '') AS shipping_pincode,
           nullif(btrim(b.session_id), '') AS session_id,
           CASE WHEN etl.is_timestamp(b.updated_at) THEN b.updated_at::timestamptz END AS updated_at,
           row_number() OVER (PARTITION BY b.order_id COLLATE "C", hashtext((b.order_id, b.customer_id, b.channel, b.store_id, b.order_ts, b.status,
                                                 b.promotion_code, b.payment_method, b.currency, b.order_total,
                                                 b.shipping_city, b.shipping_pincode, b.session_id, b.updated_at)::text)
                              ORDER BY b._ingested_at, b._batch_id) AS copy_no
    FROM bronze.orders b
    WHERE b._batch_id > (SELECT etl.watermark('silver.orders'))
      AND b._batch_id IN (SELECT batch_id FROM bronze.load_batches
                          WHERE status = 'complete' AND batch_id <= current_setting('etl.batch_hi')::bigint)
) x
-- Joins, not correlated subqueries: silver has no secondary indexes, so a per-row probe would scan.
LEFT JOIN (SELECT DISTINCT customer_id AS k FROM silver.customers) kc ON kc.k = x.customer_id
LEFT JOIN (SELECT order_id AS k, updated_at AS loaded_updated_at FROM silver.orders) o ON o.k = x.order_id;

-- The bronze row as JSON only for rejected rows, fetched back by ctid (a TID scan).
INSERT INTO silver.rejects (run_id, batch_id, source, source_key, reason, action, payload)
SELECT etl.current_run(), s._batch_id, 'bronze.orders', s.order_id, s.reason, 'rejected', to_jsonb(b)
FROM stage s
JOIN bronze.orders b ON b.ctid = ANY (ARRAY(SELECT src FROM stage WHERE reason IS NOT NULL)) AND b.ctid = s.src
WHERE s.reason IS NOT NULL;

CREATE TEMP TABLE latest ON COMMIT DROP AS
SELECT DISTINCT ON (s.order_id) s.* FROM stage s
WHERE s.reason IS NULL
ORDER BY s.order_id, s.updated_at DESC NULLS LAST, s._ingested_at DESC, s._batch_id DESC;

MERGE INTO silver.orders t
USING latest s ON t.order_id = s.order_id
WHEN MATCHED AND s.updated_at > t.updated_at THEN
    UPDATE SET customer_id = s.customer_id, channel = s.channel, store_id = s.store_id, order_ts = s.order_ts,
               order_date = etl.business_day(s.order_ts), status = s.status, promotion_code = s.promotion_code,
               payment_method = s.payment_method, order_total = s.order_total, shipping_city = s.shipping_city,
               shipping_pincode = s.shipping_pincode, session_id = s.session_id, updated_at = s.updated_at,
               ingested_at = s._ingested_at, etl_run_id = etl.current_run()
WHEN NOT MATCHED THEN
    INSERT (order_id, customer_id, channel, store_id, order_ts, order_date, status, promotion_code,
            payment_method, order_total, shipping_city, shipping_pincode, session_id, updated_at,
            ingested_at, etl_run_id)
    VALUES (s.order_id, s.customer_id, s.channel, s.store_id, s.order_ts, etl.business_day(s.order_ts),
            s.status, s.promotion_code, s.payment_method, s.order_total, s.shipping_city, s.shipping_pincode,
            s.session_id, s.updated_at, s._ingested_at, etl.current_run());

SELECT etl.advance('silver.orders', current_setting('etl.batch_hi')::bigint);

SELECT (SELECT count(*) FROM stage) AS rows_in,
       (SELECT count(*) FROM silver.orders WHERE etl_run_id = etl.current_run()) AS rows_out,
       (SELECT count(*) FROM stage WHERE reason IS NOT NULL) AS rows_rejected;
