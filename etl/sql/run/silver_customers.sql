-- bronze.customers -> silver.customers (SCD type 2).
-- Delta: rows of complete batches above the step's watermark. A version is (customer_id, the
-- source's updated_at); change detection compares row_hash with the neighbouring version in time,
-- so a late-arriving change is slotted into the history where it belongs and an unchanged
-- re-delivery adds nothing. Existing versions are never deleted (facts reference them); only
-- their valid_to / is_current move.
CREATE TEMP TABLE stage ON COMMIT DROP AS
SELECT b._batch_id, b._ingested_at, to_jsonb(b) AS payload,
       nullif(btrim(b.customer_id), '') AS customer_id,
       nullif(btrim(b.first_name), '') AS first_name,
       nullif(btrim(b.last_name), '') AS last_name,
       CASE WHEN etl.is_email(btrim(b.email)) THEN lower(btrim(b.email)) END AS email,
       CASE WHEN b.email IS NULL THEN 'missing email'
            WHEN NOT etl.is_email(btrim(b.email)) THEN 'malformed email' END AS email_issue,
       CASE WHEN etl.is_phone(btrim(b.phone)) THEN btrim(b.phone) END AS phone,
       CASE WHEN b.phone IS NOT NULL AND NOT etl.is_phone(btrim(b.phone)) THEN 'malformed phone' END AS phone_issue,
       nullif(btrim(b.gender), '') AS gender,
       CASE WHEN etl.is_date(b.birth_date) THEN b.birth_date::date END AS birth_date,
       nullif(btrim(b.city), '') AS city,
       nullif(btrim(b.pincode), '') AS pincode,
       CASE WHEN etl.is_timestamp(b.signup_at) THEN b.signup_at::timestamptz END AS signup_at,
       nullif(btrim(b.loyalty_tier), '') AS loyalty_tier,
       CASE lower(b.marketing_opt_in) WHEN 'true' THEN true WHEN 'false' THEN false END AS marketing_opt_in,
       CASE WHEN etl.is_timestamp(b.updated_at) THEN b.updated_at::timestamptz ELSE b._ingested_at END AS valid_from,
       row_number() OVER (PARTITION BY b.customer_id COLLATE "C", hashtext((b.customer_id, b.first_name, b.last_name, b.email, b.phone, b.gender,
                                             b.birth_date, b.city, b.pincode, b.signup_at, b.loyalty_tier,
                                             b.marketing_opt_in, b.updated_at)::text)
                          ORDER BY b._ingested_at, b._batch_id) AS copy_no
FROM bronze.customers b
WHERE b._batch_id > (SELECT etl.watermark('silver.customers'))
  AND b._batch_id IN (SELECT batch_id FROM bronze.load_batches
                      WHERE status = 'complete' AND batch_id <= current_setting('etl.batch_hi')::bigint);

ALTER TABLE stage ADD COLUMN row_hash text;
UPDATE stage SET row_hash = md5((first_name, last_name, email, phone, gender, birth_date, city, pincode,
                                 signup_at, loyalty_tier, marketing_opt_in)::text);

CREATE TEMP TABLE rej ON COMMIT DROP AS
SELECT s._batch_id, s.customer_id, s.payload,
       CASE WHEN s.customer_id IS NULL THEN 'missing customer_id' ELSE 'duplicate' END AS reason,
       'rejected' AS action
FROM stage s
LEFT JOIN silver.customers c ON c.customer_id = s.customer_id AND c.valid_from = s.valid_from AND c.row_hash = s.row_hash
WHERE s.customer_id IS NULL OR s.copy_no > 1 OR c.customer_sk IS NOT NULL;

INSERT INTO rej
SELECT _batch_id, customer_id, payload, issue, 'cleaned'
FROM stage s, LATERAL (VALUES (email_issue), (phone_issue)) AS i(issue)
WHERE issue IS NOT NULL AND customer_id IS NOT NULL AND copy_no = 1;

INSERT INTO silver.rejects (run_id, batch_id, source, source_key, reason, action, payload)
SELECT etl.current_run(), _batch_id, 'bronze.customers', customer_id, reason, action, payload FROM rej;

-- New candidate versions: one per (customer_id, valid_from), the last delivered wins.
CREATE TEMP TABLE cand ON COMMIT DROP AS
SELECT DISTINCT ON (customer_id, valid_from) *
FROM stage s
WHERE customer_id IS NOT NULL AND copy_no = 1
  AND NOT EXISTS (SELECT 1 FROM silver.customers c
                  WHERE c.customer_id = s.customer_id AND c.valid_from = s.valid_from)
ORDER BY customer_id, valid_from, _ingested_at DESC, _batch_id DESC;

-- The full history of every touched customer: existing versions plus candidates, in time order.
-- A candidate equal to the version before it is no change and is dropped.
CREATE TEMP TABLE hist ON COMMIT DROP AS
WITH allv AS (
    SELECT c.customer_sk, c.customer_id, c.valid_from, c.row_hash, false AS is_new
    FROM silver.customers c WHERE c.customer_id IN (SELECT customer_id FROM cand)
    UNION ALL
    SELECT NULL, customer_id, valid_from, row_hash, true FROM cand
), marked AS (
    SELECT *, lag(row_hash) OVER (PARTITION BY customer_id ORDER BY valid_from) AS prev_hash FROM allv
), kept AS (
    SELECT * FROM marked WHERE NOT is_new OR prev_hash IS DISTINCT FROM row_hash
)
SELECT customer_sk, customer_id, valid_from, is_new,
       lead(valid_from, 1, 'infinity') OVER w AS valid_to,
       lead(valid_from) OVER w IS NULL AS is_current
FROM kept WINDOW w AS (PARTITION BY customer_id ORDER BY valid_from);

UPDATE silver.customers c
SET valid_to = h.valid_to, is_current = h.is_current, etl_run_id = etl.current_run()
FROM hist h
WHERE NOT h.is_new AND c.customer_sk = h.customer_sk
  AND (c.valid_to, c.is_current) IS DISTINCT FROM (h.valid_to, h.is_current);

INSERT INTO silver.customers (customer_id, first_name, last_name, email, phone, gender, birth_date, city,
                              pincode, signup_at, loyalty_tier, marketing_opt_in, row_hash, valid_from,
                              valid_to, is_current, etl_run_id)
SELECT c.customer_id, c.first_name, c.last_name, c.email, c.phone, c.gender, c.birth_date, c.city,
       c.pincode, c.signup_at, c.loyalty_tier, c.marketing_opt_in, c.row_hash, c.valid_from,
       h.valid_to, h.is_current, etl.current_run()
FROM cand c JOIN hist h ON h.is_new AND h.customer_id = c.customer_id AND h.valid_from = c.valid_from
ORDER BY c.customer_id, c.valid_from;

SELECT etl.advance('silver.customers', current_setting('etl.batch_hi')::bigint);

SELECT (SELECT count(*) FROM stage) AS rows_in,
       (SELECT count(*) FROM hist WHERE is_new) AS rows_out,
       (SELECT count(*) FROM rej WHERE action = 'rejected') AS rows_rejected;
