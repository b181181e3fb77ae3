-- bronze.clickstream_events -> silver.clickstream (partitioned by IST day). The biggest step:
-- typed once into a temporary table (no WAL), duplicates found by one sort on event_id, the JSON
-- payload built only for rejected rows, daily partitions created before the insert.
CREATE TEMP TABLE stage ON COMMIT DROP AS
SELECT x.*,
       CASE WHEN event_id IS NULL THEN 'missing event_id'
            WHEN copy_no > 1 THEN 'duplicate'
            WHEN event_ts IS NULL THEN 'malformed event_ts'
            WHEN session_id IS NULL THEN 'missing session_id'
            WHEN event_type IS NULL THEN 'missing event_type'
       END AS reason
FROM (
    SELECT b._batch_id, b._ingested_at, b.ctid AS src,
           nullif(btrim(b.event_id), '') AS event_id,
           nullif(btrim(b.session_id), '') AS session_id,
           CASE WHEN etl.is_int(b.event_seq) THEN b.event_seq::int END AS event_seq,
           CASE WHEN etl.is_timestamp(b.event_ts) THEN b.event_ts::timestamptz END AS event_ts,
           lower(nullif(btrim(b.event_type), '')) AS event_type,
           b.page_url,
           nullif(btrim(b.product_id), '') AS product_id,
           nullif(btrim(b.order_id), '') AS order_id,
           row_number() OVER (PARTITION BY b.event_id ORDER BY b._ingested_at, b._batch_id) AS copy_no
    FROM bronze.clickstream_events b
    WHERE b._batch_id > (SELECT etl.watermark('silver.clickstream'))
      AND b._batch_id IN (SELECT batch_id FROM bronze.load_batches
                          WHERE status = 'complete' AND batch_id <= current_setting('etl.batch_hi')::bigint)
) x;

-- Events of sessions silver does not know (rejected or never delivered), and events already
-- loaded by an earlier run (a copy that landed in a later batch).
UPDATE stage s SET reason = 'unknown session'
WHERE s.reason IS NULL AND NOT EXISTS (SELECT 1 FROM silver.sessions x WHERE x.session_id = s.session_id);

SELECT etl.ensure_clickstream_partitions(min(etl.business_day(event_ts)), max(etl.business_day(event_ts)))
FROM stage WHERE reason IS NULL;

UPDATE stage s SET reason = 'duplicate'
FROM silver.clickstream c
WHERE s.reason IS NULL AND c.event_date = etl.business_day(s.event_ts) AND c.event_id = s.event_id
  AND (SELECT etl.watermark('silver.clickstream')) > 0;

INSERT INTO silver.rejects (run_id, batch_id, source, source_key, reason, action, payload)
SELECT etl.current_run(), s._batch_id, 'bronze.clickstream_events', s.event_id, s.reason, 'rejected', to_jsonb(b)
FROM stage s JOIN bronze.clickstream_events b ON b.ctid = s.src
WHERE s.reason IS NOT NULL;

INSERT INTO silver.clickstream (event_id, event_date, event_ts, session_id, event_seq, customer_id, event_type,
                                page_url, product_id, order_id, etl_run_id)
SELECT s.event_id, etl.business_day(s.event_ts), s.event_ts, s.session_id, s.event_seq, se.customer_id,
       s.event_type, s.page_url, s.product_id, s.order_id, etl.current_run()
FROM stage s JOIN silver.sessions se ON se.session_id = s.session_id
WHERE s.reason IS NULL
ORDER BY 2;

SELECT etl.advance('silver.clickstream', current_setting('etl.batch_hi')::bigint);

SELECT (SELECT count(*) FROM stage) AS rows_in,
       (SELECT count(*) FROM stage WHERE reason IS NULL) AS rows_out,
       (SELECT count(*) FROM stage WHERE reason IS NOT NULL) AS rows_rejected;
