SELECT t."order_id"::text, t."line"::text FROM "public"."Order Lines" t ORDER BY t."order_id" DESC, t."line" DESC LIMIT 1;

SELECT t."order_id"::text, t."line"::text FROM "public"."Order Lines" t WHERE (t."order_id", t."line") <= (?::uuid, ?::text) ORDER BY t."order_id", t."line" OFFSET ? LIMIT 1;

SELECT t."order_id"::text, t."line"::text FROM "public"."Order Lines" t WHERE (t."order_id", t."line") > (?::uuid, ?::text) AND (t."order_id", t."line") <= (?::uuid, ?::text) ORDER BY t."order_id", t."line" OFFSET ? LIMIT 1;

UPDATE "public"."Order Lines" SET ("quantity") = ROW(("qty"))
WHERE ("order_id", "line") <= (?::uuid, ?::text) AND "quantity" IS NULL;

UPDATE "public"."Order Lines" SET ("quantity") = ROW(("qty"))
WHERE ("order_id", "line") > (?::uuid, ?::text) AND ("order_id", "line") <= (?::uuid, ?::text) AND "quantity" IS NULL;

UPDATE "public"."Order Lines" SET "quantity" = "quantity"
WHERE ("order_id", "line") > (?::uuid, ?::text) AND ("order_id", "line") <= (?::uuid, ?::text) AND "quantity" IS NULL;
