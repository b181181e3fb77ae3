-- bronze.order_items -> silver.order_items: typed; exact copies, lines of rejected or unknown
-- orders, unknown products, non-positive quantities and missing prices rejected.
CREATE TEMP TABLE stage ON COMMIT DROP AS
SELECT x.*,
       CASE WHEN order_item_id IS NULL THEN 'missing order_item_id'
            WHEN copy_no > 1 THEN 'duplicate'
            WHEN quantity IS NULL THEN 'invalid quantity'
            WHEN quantity <= 0 THEN 'negative quantity'
            WHEN unit_price IS NULL THEN 'missing unit_price'
            WHEN line_no IS NULL OR order_id IS NULL THEN 'invalid order reference'
            WHEN kp.k IS NULL THEN 'unknown product'
            WHEN ko.k IS NULL THEN 'unknown or rejected order'
            WHEN ki.k IS NOT NULL THEN 'duplicate'
       END AS reason
FROM (
    SELECT b._batch_id, b._ingested_at, b.ctid AS src,
           nullif(btrim(b.order_item_id), '') AS order_item_id,
           nullif(btrim(b.order_id), '') AS order_id,
           CASE WHEN etl.is_int(b.line_no) THEN b.line_no::int END AS line_no,
           nullif(btrim(b.product_id), '') AS product_id,
           CASE WHEN etl.is_numeric(b.size) THEN b.size::numeric(4,1) END AS size,
           CASE WHEN etl.is_int(b.quantity) THEN b.quantity::int END AS quantity,
           CASE WHEN etl.is_numeric(b.unit_price) AND b.unit_price::numeric >= 0
                THEN b.unit_price::numeric(12,2) END AS unit_price,
           CASE WHEN etl.is_numeric(b.discount_amount) AND b.discount_amount::numeric >= 0
                THEN b.discount_amount::numeric(12,2) ELSE 0 END AS discount_amount,
           coalesce(lower(b.returned) = 'true', false) AS returned,
           nullif(btrim(b.return_reason), '') AS return_reason,
           CASE WHEN etl.is_timestamp(b.returned_at) THEN b.returned_at::timestamptz END AS returned_at,
           row_number() OVER (PARTITION BY b.order_item_id COLLATE "C", hashtext((b.order_item_id, b.order_id, b.line_no, b.product_id, b.size,
                                                 b.quantity, b.unit_price, b.discount_amount, b.returned,
                                                 b.return_reason, b.returned_at)::text)
                              ORDER BY b._ingested_at, b._batch_id) AS copy_no
    FROM bronze.order_items b
    WHERE b._batch_id > (SELECT etl.watermark('silver.order_items'))
      AND b._batch_id IN (SELECT batch_id FROM bronze.load_batches
                          WHERE status = 'complete' AND batch_id <= current_setting('etl.batch_hi')::bigint)
) x
-- Joins, not correlated subqueries: silver has no secondary indexes, so a per-row probe would scan.
LEFT JOIN (SELECT DISTINCT product_id AS k FROM silver.products) kp ON kp.k = x.product_id
LEFT JOIN (SELECT order_id AS k FROM silver.orders) ko ON ko.k = x.order_id
LEFT JOIN (SELECT order_item_id AS k FROM silver.order_items) ki ON ki.k = x.order_item_id;

-- The bronze row as JSON only for rejected rows, fetched back by ctid (a TID scan).
INSERT INTO silver.rejects (run_id, batch_id, source, source_key, reason, action, payload)
SELECT etl.current_run(), s._batch_id, 'bronze.order_items', s.order_item_id, s.reason, 'rejected', to_jsonb(b)
FROM stage s
JOIN bronze.order_items b ON b.ctid = ANY (ARRAY(SELECT src FROM stage WHERE reason IS NOT NULL)) AND b.ctid = s.src
WHERE s.reason IS NOT NULL;

-- Two different deliveries of one line (not exact copies): the last delivered wins.
INSERT INTO silver.order_items (order_item_id, order_id, line_no, product_id, size, quantity, unit_price,
                                discount_amount, returned, return_reason, returned_at, etl_run_id)
SELECT DISTINCT ON (order_item_id)
       order_item_id, order_id, line_no, product_id, size, quantity, unit_price, discount_amount, returned,
       return_reason, returned_at, etl.current_run()
FROM stage WHERE reason IS NULL
ORDER BY order_item_id, _ingested_at DESC, _batch_id DESC;

SELECT etl.advance('silver.order_items', current_setting('etl.batch_hi')::bigint);

SELECT (SELECT count(*) FROM stage) AS rows_in,
       (SELECT count(*) FROM stage WHERE reason IS NULL) AS rows_out,
       (SELECT count(*) FROM stage WHERE reason IS NOT NULL) AS rows_rejected;
