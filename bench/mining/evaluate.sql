-- Scores the mining results of one database against the generator's ground truth (schema truth).
-- Prints one row per metric: name, model, baseline. Only the benchmark and tests read truth.
\set ON_ERROR_STOP 1
CREATE TEMP TABLE planted AS
SELECT CASE a.kind WHEN 'returns_surge' THEN 'store ' || a.store_id || ' returns'
                   WHEN 'stock_out' THEN 'store_brand ' || a.store_id || '/' || a.brand || ' units'
                   ELSE 'store ' || a.store_id || ' sales' END AS entity,
       a.day, a.end_day
FROM truth.anomalies a
WHERE a.day <= (SELECT max(order_date) FROM gold.fact_sales);

-- Detections: revenue and units of one store-day are one event; brand-level series have no truth.
CREATE TEMP TABLE detected AS
SELECT DISTINCT entity_kind || ' ' || entity || ' ' ||
       CASE WHEN entity_kind = 'store' AND metric IN ('revenue', 'units') THEN 'sales' ELSE metric END AS entity,
       day, end_day
FROM mining.anomalies WHERE entity_kind IN ('store', 'store_brand');

CREATE TEMP TABLE baseline_detected AS
SELECT DISTINCT e->>'entity' AS entity, (e->>'day')::date AS day, (e->>'day')::date AS end_day
FROM mining.latest_runs r, jsonb_array_elements(r.baseline->'events') e
WHERE r.job = 'anomalies';

CREATE FUNCTION pg_temp.precision_recall(detected regclass, OUT p float8, OUT r float8) LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format($q$
        SELECT (SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM planted p WHERE p.entity = d.entity
                      AND d.end_day >= p.day AND d.day <= p.end_day))::float8 / nullif(count(*), 0) FROM %1$s d),
               (SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM %1$s d WHERE p.entity = d.entity
                      AND d.end_day >= p.day AND d.day <= p.end_day))::float8 / nullif(count(*), 0) FROM planted p)
    $q$, detected) INTO p, r;
END $$;

CREATE FUNCTION pg_temp.ari(pairs text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE res float8;
BEGIN
    EXECUTE format($q$
        WITH t AS (%s),
        n AS (SELECT count(*)::float8 AS n FROM t),
        cells AS (SELECT sum(c * (c - 1) / 2) AS s FROM (SELECT count(*)::float8 c FROM t GROUP BY a, b) x),
        ra AS (SELECT sum(c * (c - 1) / 2) AS s FROM (SELECT count(*)::float8 c FROM t GROUP BY a) x),
        rb AS (SELECT sum(c * (c - 1) / 2) AS s FROM (SELECT count(*)::float8 c FROM t GROUP BY b) x)
        SELECT (cells.s - ra.s * rb.s / (n.n * (n.n - 1) / 2)) / ((ra.s + rb.s) / 2 - ra.s * rb.s / (n.n * (n.n - 1) / 2))
        FROM n, cells, ra, rb $q$, pairs) INTO res;
    RETURN res;
END $$;

\pset format unaligned
\pset tuples_only on
\pset fieldsep ' '
SELECT 'forecast_mase', round((metrics->>'mase')::numeric, 3), round((baseline->>'mase')::numeric, 3)
  FROM mining.latest_runs WHERE job = 'forecast';
SELECT 'forecast_smape', round((metrics->>'smape')::numeric, 1), round((baseline->>'smape')::numeric, 1)
  FROM mining.latest_runs WHERE job = 'forecast';
SELECT 'forecast_coverage_80', round((metrics->>'coverage_80')::numeric, 3), 'n/a'
  FROM mining.latest_runs WHERE job = 'forecast';
SELECT 'anomalies_precision', round(m.p::numeric, 3), round(b.p::numeric, 3)
  FROM pg_temp.precision_recall('detected') m, pg_temp.precision_recall('baseline_detected') b;
SELECT 'anomalies_recall', round(m.r::numeric, 3), round(b.r::numeric, 3)
  FROM pg_temp.precision_recall('detected') m, pg_temp.precision_recall('baseline_detected') b;
SELECT 'segments_ari',
       round(pg_temp.ari('SELECT s.cluster::text AS a, t.segment AS b FROM mining.customer_segments s JOIN truth.customer_segments t USING (customer_id)')::numeric, 3),
       round(pg_temp.ari('SELECT s.rule_segment::text AS a, t.segment AS b FROM mining.customer_segments s JOIN truth.customer_segments t USING (customer_id)')::numeric, 3);
SELECT 'authenticity_pr_auc', round((metrics->>'pr_auc')::numeric, 3), round((baseline->>'pr_auc')::numeric, 3)
  FROM mining.latest_runs WHERE job = 'authenticity';
SELECT 'authenticity_recall_at_95_precision', round((metrics->>'recall_at_95_precision')::numeric, 3),
       round((baseline->>'recall_at_95_precision')::numeric, 3)
  FROM mining.latest_runs WHERE job = 'authenticity';
