SELECT t."order_id"::text, t."line"::text FROM "public"."Order Lines" t ORDER BY t."order_id" DESC, t."line" DESC LIMIT 1;

SELECT t."order_id"::text, t."line"::text FROM "public"."Order Lines" t WHERE (t."order_id", t."line") <= (?::uuid, ?::text) ORDER BY t."order_id", t."line" OFFSET ? LIMIT 1;

SELECT t."order_id"::text, t."line"::text FROM "public"."Order Lines" t WHERE (t."order_id", t."line") > (?::uuid, ?::text) AND (t."order_id", t."line") <= (?::uuid, ?::text) ORDER BY t."order_id", t."line" OFFSET ? LIMIT 1;

UPDATE "public"."Order Lines" SET ("quantity") = ROW(("qty"))
WHERE ("order_id", "line") <= (?::uuid, ?::text) AND "quantity" IS NULL;

UPDATE "public"."Order Lines" SET ("quantity") = ROW(("qty"))
WHERE ("order_id", "line") > (?::uuid, ?::text) AND ("order_id", "line") <= (?::uuid, ?::text) AND "quantity" IS NULL;

INSERT INTO "tandem"."unmapped" (plan_id, step_id, table_name, row_key, direction, sqlstate, reason, value, recorded_at)
SELECT 'lines', 'order_lines.qty-rename/sync', '"public"."Order Lines"', ARRAY[t."order_id"::text, t."line"::text], d.direction, ?, ?, CASE d.direction WHEN 'forward' THEN pg_catalog.left(pg_catalog.concat_ws(', ', t."qty"::text), 200) ELSE pg_catalog.left(pg_catalog.concat_ws(', ', t."quantity"::text), 200) END, now()
FROM "public"."Order Lines" t, (SELECT ?::text AS direction) d WHERE (t."order_id", t."line") = (?::uuid, ?::text)
ON CONFLICT (plan_id, step_id, row_key, direction) DO UPDATE SET sqlstate = EXCLUDED.sqlstate, reason = EXCLUDED.reason, value = EXCLUDED.value, recorded_at = EXCLUDED.recorded_at;
