-- bronze.inventory_movements -> silver.inventory_movements: typed; exact copies and rows with an
-- unknown product or an unreadable quantity or time rejected.
CREATE TEMP TABLE stage ON COMMIT DROP AS
SELECT x.*,
       CASE WHEN movement_id IS NULL THEN 'missing movement_id'
            WHEN copy_no > 1 THEN 'duplicate'
            WHEN quantity IS NULL THEN 'invalid quantity'
            WHEN movement_ts IS NULL THEN 'malformed movement_ts'
            WHEN movement_type IS NULL THEN 'missing movement_type'
            WHEN store_id IS NULL THEN 'missing store_id'
            WHEN kp.k IS NULL THEN 'unknown product'
            WHEN km.k IS NOT NULL THEN 'duplicate'
       END AS reason
FROM (
    SELECT b._batch_id, b._ingested_at, b.ctid AS src,
           nullif(btrim(b.movement_id), '') AS movement_id,
           nullif(btrim(b.product_id), '') AS product_id,
           nullif(btrim(b.store_id), '') AS store_id,
           CASE WHEN etl.is_timestamp(b.movement_ts) THEN b.movement_ts::timestamptz END AS movement_ts,
           lower(nullif(btrim(b.movement_type), '')) AS movement_type,
           CASE WHEN etl.is_int(b.quantity) THEN b.quantity::int END AS quantity,
           nullif(btrim(b.reference), '') AS reference,
           CASE WHEN etl.is_numeric(b.unit_cost) AND b.unit_cost::numeric >= 0
                THEN b.unit_cost::numeric(12,2) END AS unit_cost,
           row_number() OVER (PARTITION BY b.movement_id COLLATE "C", hashtext((b.product_id, b.store_id, b.movement_ts,
                                                               b.movement_type, b.quantity, b.reference,
                                                               b.unit_cost)::text)
                              ORDER BY b._ingested_at, b._batch_id) AS copy_no
    FROM bronze.inventory_movements b
    WHERE b._batch_id > (SELECT etl.watermark('silver.inventory_movements'))
      AND b._batch_id IN (SELECT batch_id FROM bronze.load_batches
                          WHERE status = 'complete' AND batch_id <= current_setting('etl.batch_hi')::bigint)
) x
LEFT JOIN (SELECT DISTINCT product_id AS k FROM silver.products) kp ON kp.k = x.product_id
LEFT JOIN (SELECT movement_id AS k FROM silver.inventory_movements) km ON km.k = x.movement_id;

-- The bronze row as JSON only for rejected rows, fetched back by ctid (a TID scan).
INSERT INTO silver.rejects (run_id, batch_id, source, source_key, reason, action, payload)
SELECT etl.current_run(), s._batch_id, 'bronze.inventory_movements', s.movement_id, s.reason, 'rejected', to_jsonb(b)
FROM stage s
JOIN bronze.inventory_movements b ON b.ctid = ANY (ARRAY(SELECT src FROM stage WHERE reason IS NOT NULL)) AND b.ctid = s.src
WHERE s.reason IS NOT NULL;

INSERT INTO silver.inventory_movements (movement_id, product_id, store_id, movement_ts, movement_type, quantity,
                                        reference, unit_cost, etl_run_id)
SELECT DISTINCT ON (movement_id)
       movement_id, product_id, store_id, movement_ts, movement_type, quantity, reference, unit_cost,
       etl.current_run()
FROM stage WHERE reason IS NULL
ORDER BY movement_id, _ingested_at DESC, _batch_id DESC;

SELECT etl.advance('silver.inventory_movements', current_setting('etl.batch_hi')::bigint);

SELECT (SELECT count(*) FROM stage) AS rows_in,
       (SELECT count(*) FROM stage WHERE reason IS NULL) AS rows_out,
       (SELECT count(*) FROM stage WHERE reason IS NOT NULL) AS rows_rejected;
