-- bronze.clickstream_events -> silver.clickstream (partitioned by IST day). The biggest step, so
-- one pass over bronze: typed into a temporary table (no WAL) together with the session lookup
-- (hash join) and the duplicate rank (one sort on event_id in the C collation); the JSON payload
-- is built only for rejected rows (fetched back by ctid); daily partitions created before the insert.
CREATE TEMP TABLE stage ON COMMIT DROP AS
SELECT x.*, etl.business_day(x.event_ts) AS event_date, se.customer_id,
       CASE WHEN x.event_id IS NULL THEN 'missing event_id'
            WHEN x.copy_no > 1 THEN 'duplicate'
            WHEN x.event_ts IS NULL THEN 'malformed event_ts'
            WHEN x.session_id IS NULL THEN 'missing session_id'
            WHEN x.event_type IS NULL THEN 'missing event_type'
            WHEN se.k IS NULL THEN 'unknown session'
       END AS reason
FROM (
    SELECT b._batch_id, b.ctid AS src,
           nullif(btrim(b.event_id), '') AS event_id,
           nullif(btrim(b.session_id), '') AS session_id,
           CASE WHEN etl.is_int(b.event_seq) THEN b.event_seq::int END AS event_seq,
           CASE WHEN etl.is_timestamp(b.event_ts) THEN b.event_ts::timestamptz END AS event_ts,
           lower(nullif(btrim(b.event_type), '')) AS event_type,
           b.page_url,
           nullif(btrim(b.product_id), '') AS product_id,
           nullif(btrim(b.order_id), '') AS order_id,
           row_number() OVER (PARTITION BY b.event_id COLLATE "C" ORDER BY b._ingested_at, b._batch_id) AS copy_no
    FROM bronze.clickstream_events b
    WHERE b._batch_id > (SELECT etl.watermark('silver.clickstream'))
      AND b._batch_id IN (SELECT batch_id FROM bronze.load_batches
                          WHERE status = 'complete' AND batch_id <= current_setting('etl.batch_hi')::bigint)
) x
LEFT JOIN (SELECT session_id AS k, customer_id FROM silver.sessions) se ON se.k = x.session_id;

CREATE TEMP TABLE delta_days ON COMMIT DROP AS
SELECT min(event_date) AS lo, max(event_date) AS hi FROM stage WHERE reason IS NULL;

-- A copy that landed in a later batch than the original: compare with what silver holds, only on
-- the days the delta touches (partitions pruned at run time by the bounds), only after a first load.
UPDATE stage s SET reason = 'duplicate'
FROM silver.clickstream c
WHERE s.reason IS NULL AND c.event_date = s.event_date AND c.event_id = s.event_id
  AND c.event_date BETWEEN (SELECT lo FROM delta_days) AND (SELECT hi FROM delta_days)
  AND (SELECT etl.watermark('silver.clickstream')) > 0;

SELECT etl.ensure_clickstream_partitions(lo, hi) FROM delta_days;

INSERT INTO silver.rejects (run_id, batch_id, source, source_key, reason, action, payload)
SELECT etl.current_run(), s._batch_id, 'bronze.clickstream_events', s.event_id, s.reason, 'rejected', to_jsonb(b)
FROM stage s
JOIN bronze.clickstream_events b
  ON b.ctid = ANY (ARRAY(SELECT src FROM stage WHERE reason IS NOT NULL)) AND b.ctid = s.src
WHERE s.reason IS NOT NULL;

INSERT INTO silver.clickstream (event_id, event_date, event_ts, session_id, event_seq, customer_id, event_type,
                                page_url, product_id, order_id, etl_run_id)
SELECT event_id, event_date, event_ts, session_id, event_seq, customer_id, event_type, page_url, product_id,
       order_id, etl.current_run()
FROM stage WHERE reason IS NULL;

SELECT etl.advance('silver.clickstream', current_setting('etl.batch_hi')::bigint);

SELECT (SELECT count(*) FROM stage) AS rows_in,
       (SELECT count(*) FROM stage WHERE reason IS NULL) AS rows_out,
       (SELECT count(*) FROM stage WHERE reason IS NOT NULL) AS rows_rejected;
