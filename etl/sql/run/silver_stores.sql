-- bronze.stores -> silver.stores: typed; the latest delivery of a store wins (no history kept).
CREATE TEMP TABLE stage ON COMMIT DROP AS
SELECT b._batch_id, b._ingested_at, to_jsonb(b) AS payload,
       nullif(btrim(b.store_id), '') AS store_id,
       nullif(btrim(b.store_code), '') AS store_code,
       nullif(btrim(b.name), '') AS store_name,
       nullif(btrim(b.store_type), '') AS store_type,
       nullif(btrim(b.address), '') AS address,
       nullif(btrim(b.city), '') AS city,
       nullif(btrim(b.district), '') AS district,
       nullif(btrim(b.state), '') AS state,
       nullif(btrim(b.pincode), '') AS pincode,
       CASE WHEN etl.is_numeric(b.latitude) AND abs(b.latitude::numeric) <= 90 THEN b.latitude::float8 END AS latitude,
       CASE WHEN etl.is_numeric(b.longitude) AND abs(b.longitude::numeric) <= 180 THEN b.longitude::float8 END AS longitude,
       CASE WHEN etl.is_numeric(b.city_population) THEN b.city_population::numeric::bigint END AS population,
       CASE WHEN etl.is_numeric(b.area_sqft) THEN b.area_sqft::numeric::int END AS area_sqft,
       CASE WHEN etl.is_date(b.opened_on) THEN b.opened_on::date END AS opened_on,
       CASE WHEN etl.is_date(b.closed_on) THEN b.closed_on::date END AS closed_on
FROM bronze.stores b
WHERE b._batch_id > (SELECT etl.watermark('silver.stores'))
  AND b._batch_id IN (SELECT batch_id FROM bronze.load_batches
                      WHERE status = 'complete' AND batch_id <= current_setting('etl.batch_hi')::bigint);

CREATE TEMP TABLE rej ON COMMIT DROP AS
SELECT _batch_id, store_id, payload,
       CASE WHEN store_id IS NULL THEN 'missing store_id' WHEN store_name IS NULL THEN 'missing name'
            ELSE 'missing city' END AS reason
FROM stage WHERE store_id IS NULL OR store_name IS NULL OR city IS NULL;

INSERT INTO silver.rejects (run_id, batch_id, source, source_key, reason, action, payload)
SELECT etl.current_run(), _batch_id, 'bronze.stores', store_id, reason, 'rejected', payload FROM rej;

CREATE TEMP TABLE latest ON COMMIT DROP AS
SELECT DISTINCT ON (store_id) * FROM stage
WHERE store_id IS NOT NULL AND store_name IS NOT NULL AND city IS NOT NULL
ORDER BY store_id, _ingested_at DESC, _batch_id DESC;

MERGE INTO silver.stores t
USING latest s ON t.store_id = s.store_id
WHEN MATCHED AND (t.store_code, t.store_name, t.store_type, t.address, t.city, t.district, t.state, t.pincode,
                  t.latitude, t.longitude, t.population, t.area_sqft, t.opened_on, t.closed_on)
        IS DISTINCT FROM (s.store_code, s.store_name, s.store_type, s.address, s.city, s.district, s.state,
                          s.pincode, s.latitude, s.longitude, s.population, s.area_sqft, s.opened_on, s.closed_on)
    THEN UPDATE SET store_code = s.store_code, store_name = s.store_name, store_type = s.store_type,
                    address = s.address, city = s.city, district = s.district, state = s.state,
                    pincode = s.pincode, latitude = s.latitude, longitude = s.longitude,
                    population = s.population, area_sqft = s.area_sqft, opened_on = s.opened_on,
                    closed_on = s.closed_on, etl_run_id = etl.current_run()
WHEN NOT MATCHED THEN
    INSERT (store_id, store_code, store_name, store_type, address, city, district, state, pincode, latitude,
            longitude, population, area_sqft, opened_on, closed_on, etl_run_id)
    VALUES (s.store_id, s.store_code, s.store_name, s.store_type, s.address, s.city, s.district, s.state,
            s.pincode, s.latitude, s.longitude, s.population, s.area_sqft, s.opened_on, s.closed_on,
            etl.current_run());

SELECT etl.advance('silver.stores', current_setting('etl.batch_hi')::bigint);

SELECT (SELECT count(*) FROM stage) AS rows_in,
       (SELECT count(*) FROM latest) AS rows_out,
       (SELECT count(*) FROM rej) AS rows_rejected;
