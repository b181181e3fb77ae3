-- bronze.sessions -> silver.sessions: typed; exact copies and sessions without a readable start
-- rejected. An unknown customer is kept as an anonymous visitor (customer_id NULL) and noted.
CREATE TEMP TABLE stage ON COMMIT DROP AS
SELECT x.*,
       CASE WHEN session_id IS NULL THEN 'missing session_id'
            WHEN copy_no > 1 THEN 'duplicate'
            WHEN started_at IS NULL THEN 'malformed started_at'
            WHEN ks.k IS NOT NULL THEN 'duplicate'
       END AS reason,
       raw_customer_id IS NOT NULL AND kc.k IS NULL AS unknown_customer
FROM (
    SELECT b._batch_id, b._ingested_at,
           nullif(btrim(b.session_id), '') AS session_id,
           nullif(btrim(b.customer_id), '') AS raw_customer_id,
           lower(nullif(btrim(b.channel), '')) AS channel,
           lower(nullif(btrim(b.device), '')) AS device,
           nullif(btrim(b.os), '') AS os,
           nullif(btrim(b.traffic_source), '') AS traffic_source,
           nullif(btrim(b.utm_campaign), '') AS utm_campaign,
           nullif(btrim(b.city), '') AS city,
           CASE WHEN etl.is_timestamp(b.started_at) THEN b.started_at::timestamptz END AS started_at,
           CASE WHEN etl.is_timestamp(b.ended_at) THEN b.ended_at::timestamptz END AS ended_at,
           row_number() OVER (PARTITION BY b.session_id COLLATE "C", hashtext((b.customer_id, b.channel, b.device, b.os,
                                                              b.traffic_source, b.utm_campaign, b.city,
                                                              b.started_at, b.ended_at)::text)
                              ORDER BY b._ingested_at, b._batch_id) AS copy_no
    FROM bronze.sessions b
    WHERE b._batch_id > (SELECT etl.watermark('silver.sessions'))
      AND b._batch_id IN (SELECT batch_id FROM bronze.load_batches
                          WHERE status = 'complete' AND batch_id <= current_setting('etl.batch_hi')::bigint)
) x
LEFT JOIN (SELECT DISTINCT customer_id AS k FROM silver.customers) kc ON kc.k = x.raw_customer_id
LEFT JOIN (SELECT session_id AS k FROM silver.sessions) ks ON ks.k = x.session_id;

INSERT INTO silver.rejects (run_id, batch_id, source, source_key, reason, action, payload)
SELECT etl.current_run(), _batch_id, 'bronze.sessions', session_id, coalesce(reason, 'unknown customer'),
       CASE WHEN reason IS NULL THEN 'cleaned' ELSE 'rejected' END,
       jsonb_build_object('session_id', session_id, 'customer_id', raw_customer_id, 'started_at', started_at)
FROM stage WHERE reason IS NOT NULL OR unknown_customer;

INSERT INTO silver.sessions (session_id, customer_id, channel, device, os, traffic_source, utm_campaign, city,
                             started_at, ended_at, etl_run_id)
SELECT DISTINCT ON (session_id)
       session_id, CASE WHEN unknown_customer THEN NULL ELSE raw_customer_id END, channel, device, os,
       traffic_source, utm_campaign, city, started_at, ended_at, etl.current_run()
FROM stage WHERE reason IS NULL
ORDER BY session_id, _ingested_at DESC, _batch_id DESC;

SELECT etl.advance('silver.sessions', current_setting('etl.batch_hi')::bigint);

SELECT (SELECT count(*) FROM stage) AS rows_in,
       (SELECT count(*) FROM stage WHERE reason IS NULL) AS rows_out,
       (SELECT count(*) FROM stage WHERE reason IS NOT NULL) AS rows_rejected;
