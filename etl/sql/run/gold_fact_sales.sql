-- silver -> gold.fact_sales (grain: order line). Delta: lines written since the step's watermark
-- (a silver run id) and lines of orders updated since (a status change). Each line points at the
-- customer and product versions valid when the order was placed (the earliest version when the
-- order predates every version).
CREATE TEMP TABLE delta ON COMMIT DROP AS
SELECT i.order_item_id, i.order_id, i.line_no, i.product_id, i.size, i.quantity, i.unit_price,
       i.discount_amount, i.returned, o.customer_id, o.channel, o.store_id, o.order_ts, o.order_date,
       o.promotion_code, o.status
FROM silver.order_items i JOIN silver.orders o ON o.order_id = i.order_id
WHERE i.etl_run_id > (SELECT etl.watermark('gold.fact_sales'))
   OR o.etl_run_id > (SELECT etl.watermark('gold.fact_sales'));

CREATE TEMP TABLE csk ON COMMIT DROP AS
SELECT DISTINCT ON (d.order_item_id COLLATE "C") d.order_item_id, c.customer_sk
FROM delta d JOIN silver.customers c ON c.customer_id = d.customer_id
ORDER BY d.order_item_id COLLATE "C", (d.order_ts >= c.valid_from AND d.order_ts < c.valid_to) DESC, c.valid_from;

CREATE TEMP TABLE psk ON COMMIT DROP AS
SELECT DISTINCT ON (d.order_item_id COLLATE "C") d.order_item_id, p.product_sk
FROM delta d JOIN silver.products p ON p.product_id = d.product_id
ORDER BY d.order_item_id COLLATE "C", (d.order_ts >= p.valid_from AND d.order_ts < p.valid_to) DESC, p.valid_from;

-- Cost of goods: the cost on the line's sale movement when the source recorded one, else the
-- product's average receipt cost.
CREATE TEMP TABLE sale_cost ON COMMIT DROP AS
SELECT DISTINCT ON (m.reference) m.reference AS order_item_id, m.unit_cost
FROM silver.inventory_movements m
WHERE m.movement_type = 'sale' AND m.unit_cost IS NOT NULL
  AND m.reference IN (SELECT order_item_id FROM delta)
ORDER BY m.reference, m.movement_ts;

CREATE TEMP TABLE src ON COMMIT DROP AS
SELECT d.order_item_id, d.order_id, d.line_no, to_char(d.order_date, 'YYYYMMDD')::int AS date_key, d.order_date,
       d.order_ts, c.customer_sk, d.customer_id, p.product_sk, d.product_id,
       coalesce(st.store_id, 'UNKNOWN') AS store_id, coalesce(ch.channel_key, 0)::smallint AS channel_key,
       d.promotion_code, d.status AS order_status, d.size, d.quantity, d.unit_price,
       d.discount_amount AS discount,
       (d.quantity * d.unit_price - d.discount_amount)::numeric(14,2) AS revenue,
       (d.quantity * coalesce(sc.unit_cost, dp.unit_cost, 0))::numeric(14,2) AS cost,
       d.returned AS is_returned, CASE WHEN d.returned THEN d.quantity ELSE 0 END AS returned_qty
FROM delta d
JOIN csk c ON c.order_item_id = d.order_item_id
JOIN psk p ON p.order_item_id = d.order_item_id
LEFT JOIN gold.dim_product dp ON dp.product_sk = p.product_sk
LEFT JOIN sale_cost sc ON sc.order_item_id = d.order_item_id
LEFT JOIN gold.dim_store st ON st.store_id = d.store_id
LEFT JOIN gold.dim_channel ch ON ch.channel = d.channel;

MERGE INTO gold.fact_sales t
USING src s ON t.order_item_id = s.order_item_id
WHEN MATCHED AND (t.date_key, t.order_ts, t.customer_sk, t.product_sk, t.store_id, t.channel_key, t.promotion_code,
                  t.order_status, t.quantity, t.unit_price, t.discount, t.revenue, t.cost, t.is_returned,
                  t.returned_qty)
        IS DISTINCT FROM (s.date_key, s.order_ts, s.customer_sk, s.product_sk, s.store_id, s.channel_key,
                          s.promotion_code, s.order_status, s.quantity, s.unit_price, s.discount, s.revenue,
                          s.cost, s.is_returned, s.returned_qty) THEN
    UPDATE SET date_key = s.date_key, order_date = s.order_date, order_ts = s.order_ts,
               customer_sk = s.customer_sk, product_sk = s.product_sk, store_id = s.store_id,
               channel_key = s.channel_key, promotion_code = s.promotion_code, order_status = s.order_status,
               quantity = s.quantity, unit_price = s.unit_price, discount = s.discount, revenue = s.revenue,
               cost = s.cost, is_returned = s.is_returned, returned_qty = s.returned_qty,
               etl_run_id = etl.current_run()
WHEN NOT MATCHED THEN
    INSERT (order_item_id, order_id, line_no, date_key, order_date, order_ts, customer_sk, customer_id, product_sk,
            product_id, store_id, channel_key, promotion_code, order_status, size, quantity, unit_price, discount,
            revenue, cost, is_returned, returned_qty, etl_run_id)
    VALUES (s.order_item_id, s.order_id, s.line_no, s.date_key, s.order_date, s.order_ts, s.customer_sk,
            s.customer_id, s.product_sk, s.product_id, s.store_id, s.channel_key, s.promotion_code,
            s.order_status, s.size, s.quantity, s.unit_price, s.discount, s.revenue, s.cost, s.is_returned,
            s.returned_qty, etl.current_run());

SELECT etl.advance('gold.fact_sales', etl.current_run());

SELECT (SELECT count(*) FROM delta) AS rows_in,
       (SELECT count(*) FROM src) AS rows_out,
       (SELECT count(*) FROM delta) - (SELECT count(*) FROM src) AS rows_rejected;
