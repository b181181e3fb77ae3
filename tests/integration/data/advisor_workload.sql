-- The workload: each template runs with several literals as top-level statements (\gexec), so
-- pg_stat_statements and the capture see them as an application would send them.
SELECT format('SELECT * FROM shop.orders WHERE customer_id = %s', 1 + (g * 37) % 20000) FROM generate_series(1, 30) g
\gexec
SELECT format($q$SELECT id, amount FROM shop.orders WHERE status = 'open' AND created_at >= timestamp '2024-03-01' + interval '%s hours' ORDER BY created_at LIMIT 20$q$, g) FROM generate_series(1, 20) g
\gexec
SELECT format($q$SELECT c.name, sum(o.amount) FROM shop.customers c JOIN shop.orders o ON o.customer_id = c.id WHERE c.region = %s AND c.signup = date '2021-01-01' + %s GROUP BY c.name$q$, g % 20, g) FROM generate_series(1, 20) g
\gexec
SELECT format($q$SELECT * FROM shop.customers WHERE name = 'customer %s'$q$, g * 11) FROM generate_series(1, 30) g
\gexec
SELECT format($q$SELECT count(*) FROM shop.orders WHERE created_at > date '2024-03-01' - interval '%s' day AND created_at < date '2024-03-02'$q$, g % 5 + 1) FROM generate_series(1, 20) g
\gexec
SELECT format('SELECT * FROM shop.visits WHERE customer_id = %s', 1 + (g * 53) % 20000) FROM generate_series(1, 30) g
\gexec
