-- bronze.reviews -> silver.reviews: typed; exact copies, ratings outside 1..5 and reviews of
-- unknown products or customers rejected.
CREATE TEMP TABLE stage ON COMMIT DROP AS
SELECT x.*,
       CASE WHEN review_id IS NULL THEN 'missing review_id'
            WHEN copy_no > 1 THEN 'duplicate'
            WHEN rating IS NULL OR rating NOT BETWEEN 1 AND 5 THEN 'invalid rating'
            WHEN review_ts IS NULL THEN 'malformed review_ts'
            WHEN kp.k IS NULL THEN 'unknown product'
            WHEN kc.k IS NULL THEN 'unknown customer'
            WHEN kr.k IS NOT NULL THEN 'duplicate'
       END AS reason
FROM (
    SELECT b._batch_id, b._ingested_at, b.ctid AS src,
           nullif(btrim(b.review_id), '') AS review_id,
           nullif(btrim(b.product_id), '') AS product_id,
           nullif(btrim(b.customer_id), '') AS customer_id,
           nullif(btrim(b.order_id), '') AS order_id,
           CASE WHEN etl.is_int(b.rating) THEN b.rating::int END AS rating,
           b.title, b.body,
           CASE WHEN etl.is_timestamp(b.review_ts) THEN b.review_ts::timestamptz END AS review_ts,
           CASE lower(b.verified_purchase) WHEN 'true' THEN true WHEN 'false' THEN false END AS verified_purchase,
           CASE WHEN etl.is_int(b.helpful_votes) THEN b.helpful_votes::int END AS helpful_votes,
           row_number() OVER (PARTITION BY b.review_id COLLATE "C", hashtext((b.product_id, b.customer_id, b.order_id, b.rating,
                                                             b.title, b.body, b.review_ts)::text)
                              ORDER BY b._ingested_at, b._batch_id) AS copy_no
    FROM bronze.reviews b
    WHERE b._batch_id > (SELECT etl.watermark('silver.reviews'))
      AND b._batch_id IN (SELECT batch_id FROM bronze.load_batches
                          WHERE status = 'complete' AND batch_id <= current_setting('etl.batch_hi')::bigint)
) x
LEFT JOIN (SELECT DISTINCT product_id AS k FROM silver.products) kp ON kp.k = x.product_id
LEFT JOIN (SELECT DISTINCT customer_id AS k FROM silver.customers) kc ON kc.k = x.customer_id
LEFT JOIN (SELECT review_id AS k FROM silver.reviews) kr ON kr.k = x.review_id;

-- The bronze row as JSON only for rejected rows, fetched back by ctid (a TID scan).
INSERT INTO silver.rejects (run_id, batch_id, source, source_key, reason, action, payload)
SELECT etl.current_run(), s._batch_id, 'bronze.reviews', s.review_id, s.reason, 'rejected', to_jsonb(b)
FROM stage s
JOIN bronze.reviews b ON b.ctid = ANY (ARRAY(SELECT src FROM stage WHERE reason IS NOT NULL)) AND b.ctid = s.src
WHERE s.reason IS NOT NULL;

INSERT INTO silver.reviews (review_id, product_id, customer_id, order_id, rating, title, body, review_ts,
                            verified_purchase, helpful_votes, etl_run_id)
SELECT DISTINCT ON (review_id)
       review_id, product_id, customer_id, order_id, rating, title, body, review_ts, verified_purchase,
       helpful_votes, etl.current_run()
FROM stage WHERE reason IS NULL
ORDER BY review_id, _ingested_at DESC, _batch_id DESC;

SELECT etl.advance('silver.reviews', current_setting('etl.batch_hi')::bigint);

SELECT (SELECT count(*) FROM stage) AS rows_in,
       (SELECT count(*) FROM stage WHERE reason IS NULL) AS rows_out,
       (SELECT count(*) FROM stage WHERE reason IS NOT NULL) AS rows_rejected;
