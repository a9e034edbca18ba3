Plan 'customers-address-split' (checksum 6e4c5dc71c2c)

== EXPAND ==
-- customers.address/add-street_address: ACCESS EXCLUSIVE on "public"."customers"
LOCK TABLE ONLY "public"."customers" IN ACCESS EXCLUSIVE MODE;
-- customers.address/add-street_address: ACCESS EXCLUSIVE on "public"."customers"; catalog-only: nullable, no default
ALTER TABLE "public"."customers" ADD COLUMN "street_address" varchar(255);
-- customers.address/add-city: ACCESS EXCLUSIVE on "public"."customers"
LOCK TABLE ONLY "public"."customers" IN ACCESS EXCLUSIVE MODE;
-- customers.address/add-city: ACCESS EXCLUSIVE on "public"."customers"; catalog-only: nullable, no default
ALTER TABLE "public"."customers" ADD COLUMN "city" varchar(100);
-- customers.address/add-state: ACCESS EXCLUSIVE on "public"."customers"
LOCK TABLE ONLY "public"."customers" IN ACCESS EXCLUSIVE MODE;
-- customers.address/add-state: ACCESS EXCLUSIVE on "public"."customers"; catalog-only: nullable, no default
ALTER TABLE "public"."customers" ADD COLUMN "state" varchar(2);
-- customers.address/add-zip_code: ACCESS EXCLUSIVE on "public"."customers"
LOCK TABLE ONLY "public"."customers" IN ACCESS EXCLUSIVE MODE;
-- customers.address/add-zip_code: ACCESS EXCLUSIVE on "public"."customers"; catalog-only: nullable, no default
ALTER TABLE "public"."customers" ADD COLUMN "zip_code" varchar(10);
-- customers.address/sync: SHARE ROW EXCLUSIVE on "public"."customers"
LOCK TABLE ONLY "public"."customers" IN SHARE ROW EXCLUSIVE MODE;
-- customers.address/sync: ACCESS SHARE on "public"."customers"
SELECT (trim(split_part(address, ',', 1))), (trim(split_part(address, ',', 2))), (trim(split_part(address, ',', 3))), (trim(split_part(address, ',', 4))), (CASE WHEN num_nonnulls(street_address, city, state, zip_code) = 0 THEN NULL ELSE concat_ws(', ', street_address, city, state, zip_code) END), (address ~ '^[^,]+,[^,]+,[^,]+,[^,]+$')::boolean FROM "public"."customers" WHERE false;
-- customers.address/sync: no table lock
CREATE OR REPLACE FUNCTION "tandem"."sync_525aaa166d"() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, "public", pg_temp
AS $tandem$
#variable_conflict use_variable
DECLARE
  "address" "public"."customers"."address"%TYPE := NEW."address";
  "street_address" "public"."customers"."street_address"%TYPE := NEW."street_address";
  "city" "public"."customers"."city"%TYPE := NEW."city";
  "state" "public"."customers"."state"%TYPE := NEW."state";
  "zip_code" "public"."customers"."zip_code"%TYPE := NEW."zip_code";
  _tandem_old_side boolean;
  _tandem_new_side boolean;
  _tandem_ok boolean := true;
  _tandem_state text;
  _tandem_reason text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    _tandem_old_side := NEW."address" IS NOT NULL;
    _tandem_new_side := NEW."street_address" IS NOT NULL OR NEW."city" IS NOT NULL OR NEW."state" IS NOT NULL OR NEW."zip_code" IS NOT NULL;
  ELSE
    _tandem_old_side := ROW(NEW."address") IS DISTINCT FROM ROW(OLD."address");
    _tandem_new_side := ROW(NEW."street_address", NEW."city", NEW."state", NEW."zip_code") IS DISTINCT FROM ROW(OLD."street_address", OLD."city", OLD."state", OLD."zip_code");
  END IF;
  IF current_setting('tandem.sync', true) = 'forward' OR (_tandem_old_side AND NOT _tandem_new_side) THEN
    BEGIN
      _tandem_ok := coalesce((address ~ '^[^,]+,[^,]+,[^,]+,[^,]+$')::boolean, true);
      IF NOT _tandem_ok THEN
        _tandem_reason := 'the plan''s mappableWhen condition is false';
      END IF;
      IF _tandem_ok THEN
        "street_address" := (trim(split_part(address, ',', 1)));
        "city" := (trim(split_part(address, ',', 2)));
        "state" := (trim(split_part(address, ',', 3)));
        "zip_code" := (trim(split_part(address, ',', 4)));
      END IF;
    EXCEPTION WHEN data_exception THEN
      _tandem_ok := false;
      GET STACKED DIAGNOSTICS _tandem_state = RETURNED_SQLSTATE, _tandem_reason = MESSAGE_TEXT;
    END;
    IF _tandem_ok THEN
      NEW."street_address" := "street_address";
      NEW."city" := "city";
      NEW."state" := "state";
      NEW."zip_code" := "zip_code";
      DELETE FROM "tandem"."unmapped" WHERE plan_id = 'customers-address-split' AND step_id = 'customers.address/sync' AND row_key = ARRAY[NEW."id"::text];
    ELSE
      NEW."street_address" := NULL;
      NEW."city" := NULL;
      NEW."state" := NULL;
      NEW."zip_code" := NULL;
      INSERT INTO "tandem"."unmapped" (plan_id, step_id, table_name, row_key, direction, sqlstate, reason, value, recorded_at)
      VALUES ('customers-address-split', 'customers.address/sync', '"public"."customers"', ARRAY[NEW."id"::text], 'forward', _tandem_state, _tandem_reason, left(concat_ws(', ', NEW."address"::text), 200), now())
      ON CONFLICT (plan_id, step_id, row_key, direction) DO UPDATE SET sqlstate = EXCLUDED.sqlstate, reason = EXCLUDED.reason, value = EXCLUDED.value, recorded_at = EXCLUDED.recorded_at;
    END IF;
  ELSIF _tandem_new_side AND NOT _tandem_old_side THEN
    IF TG_OP = 'UPDATE' AND OLD."street_address" IS NULL AND OLD."city" IS NULL AND OLD."state" IS NULL AND OLD."zip_code" IS NULL AND (OLD."address" IS NOT NULL) THEN
      BEGIN
        IF coalesce((address ~ '^[^,]+,[^,]+,[^,]+,[^,]+$')::boolean, true) THEN
          IF NEW."street_address" IS NOT DISTINCT FROM OLD."street_address" THEN "street_address" := (trim(split_part(address, ',', 1))); END IF;
          IF NEW."city" IS NOT DISTINCT FROM OLD."city" THEN "city" := (trim(split_part(address, ',', 2))); END IF;
          IF NEW."state" IS NOT DISTINCT FROM OLD."state" THEN "state" := (trim(split_part(address, ',', 3))); END IF;
          IF NEW."zip_code" IS NOT DISTINCT FROM OLD."zip_code" THEN "zip_code" := (trim(split_part(address, ',', 4))); END IF;
        END IF;
      EXCEPTION WHEN data_exception THEN
        "street_address" := NEW."street_address";
        "city" := NEW."city";
        "state" := NEW."state";
        "zip_code" := NEW."zip_code";
      END;
      NEW."street_address" := "street_address";
      NEW."city" := "city";
      NEW."state" := "state";
      NEW."zip_code" := "zip_code";
    END IF;
    BEGIN
      IF _tandem_ok THEN
        "address" := (CASE WHEN num_nonnulls(street_address, city, state, zip_code) = 0 THEN NULL ELSE concat_ws(', ', street_address, city, state, zip_code) END);
      END IF;
    EXCEPTION WHEN data_exception THEN
      _tandem_ok := false;
      GET STACKED DIAGNOSTICS _tandem_state = RETURNED_SQLSTATE, _tandem_reason = MESSAGE_TEXT;
    END;
    IF _tandem_ok THEN
      NEW."address" := "address";
      DELETE FROM "tandem"."unmapped" WHERE plan_id = 'customers-address-split' AND step_id = 'customers.address/sync' AND row_key = ARRAY[NEW."id"::text];
    ELSE
      NEW."address" := NULL;
      INSERT INTO "tandem"."unmapped" (plan_id, step_id, table_name, row_key, direction, sqlstate, reason, value, recorded_at)
      VALUES ('customers-address-split', 'customers.address/sync', '"public"."customers"', ARRAY[NEW."id"::text], 'backward', _tandem_state, _tandem_reason, left(concat_ws(', ', NEW."street_address"::text, NEW."city"::text, NEW."state"::text, NEW."zip_code"::text), 200), now())
      ON CONFLICT (plan_id, step_id, row_key, direction) DO UPDATE SET sqlstate = EXCLUDED.sqlstate, reason = EXCLUDED.reason, value = EXCLUDED.value, recorded_at = EXCLUDED.recorded_at;
    END IF;
  END IF;
  RETURN NEW;
END
$tandem$;
-- customers.address/sync: SHARE ROW EXCLUSIVE on "public"."customers"
CREATE TRIGGER "tandem_sync_525aaa166d_ins" BEFORE INSERT ON "public"."customers" FOR EACH ROW
  WHEN (coalesce(current_setting('tandem.sync', true), '') <> 'off')
  EXECUTE FUNCTION "tandem"."sync_525aaa166d"();
-- customers.address/sync: SHARE ROW EXCLUSIVE on "public"."customers"
CREATE TRIGGER "tandem_sync_525aaa166d_upd" BEFORE UPDATE OF "address", "street_address", "city", "state", "zip_code" ON "public"."customers" FOR EACH ROW
  WHEN (coalesce(current_setting('tandem.sync', true), '') <> 'off' AND (ROW(OLD."address") IS DISTINCT FROM ROW(NEW."address")
    OR ROW(OLD."street_address", OLD."city", OLD."state", OLD."zip_code") IS DISTINCT FROM ROW(NEW."street_address", NEW."city", NEW."state", NEW."zip_code")
    OR current_setting('tandem.sync', true) = 'forward'))
  EXECUTE FUNCTION "tandem"."sync_525aaa166d"();

== BACKFILL ==
-- customers.address/backfill: ACCESS SHARE on "public"."customers"; once: the fixed upper bound, taken after the sync trigger exists
SELECT t."id"::text FROM "public"."customers" t ORDER BY t."id" DESC LIMIT 1;
-- customers.address/backfill: no table lock; per batch: each batch is its own transaction
SET LOCAL tandem.sync = 'off';
-- customers.address/backfill: ACCESS SHARE on "public"."customers"; only after an empty batch: skips a gap in the keys; batches are key spans (lo, lo + size]
SELECT min(t."id")::text FROM "public"."customers" t WHERE t."id" > ?::integer;
-- customers.address/backfill: ROW EXCLUSIVE on "public"."customers"; per batch: row locks on the batch's rows only
UPDATE "public"."customers" SET ("street_address", "city", "state", "zip_code") = ROW((trim(split_part(address, ',', 1))), (trim(split_part(address, ',', 2))), (trim(split_part(address, ',', 3))), (trim(split_part(address, ',', 4))))
WHERE "id" > ?::integer AND "id" <= ?::integer AND "street_address" IS NULL AND "city" IS NULL AND "state" IS NULL AND "zip_code" IS NULL AND coalesce((address ~ '^[^,]+,[^,]+,[^,]+,[^,]+$')::boolean, true);
-- customers.address/backfill: ROW SHARE on "public"."customers"; per batch: records (and locks) the rows the plan cannot map; only unfilled rows are tested
INSERT INTO "tandem"."unmapped" (plan_id, step_id, table_name, row_key, direction, sqlstate, reason, value, recorded_at)
SELECT 'customers-address-split', 'customers.address/sync', '"public"."customers"', ARRAY[t."id"::text], 'forward', NULL, 'the plan''s mappableWhen condition is false', left(concat_ws(', ', t."address"::text), 200), now()
FROM "public"."customers" t WHERE t."id" > ?::integer AND t."id" <= ?::integer AND t."street_address" IS NULL AND t."city" IS NULL AND t."state" IS NULL AND t."zip_code" IS NULL AND NOT coalesce((address ~ '^[^,]+,[^,]+,[^,]+,[^,]+$')::boolean, true)
FOR UPDATE OF t
ON CONFLICT (plan_id, step_id, row_key, direction) DO NOTHING;
-- customers.address/backfill: no table lock; per batch, same transaction: the resumable cursor
UPDATE "tandem"."backfills" SET cursor_key = ?, rows_done = rows_done + ?, batches = batches + 1, batch_size = ? WHERE plan_id = ? AND step_id = ?;
-- customers.address/backfill: no table lock; only for a batch whose fast path failed on a value: map row by row
SET LOCAL tandem.sync = 'forward';
-- customers.address/backfill: ROW EXCLUSIVE on "public"."customers"; only for such a batch: the sync trigger maps each row and records what it cannot
UPDATE "public"."customers" SET "street_address" = "street_address"
WHERE "id" > ?::integer AND "id" <= ?::integer AND "street_address" IS NULL AND "city" IS NULL AND "state" IS NULL AND "zip_code" IS NULL;

== VERIFY ==
-- customers.address/sync: ACCESS SHARE on "public"."customers"; once: forgets unmapped rows that were deleted
DELETE FROM "tandem"."unmapped" u WHERE u.plan_id = 'customers-address-split' AND u.step_id = 'customers.address/sync' AND NOT EXISTS (SELECT 1 FROM "public"."customers" t WHERE t."id" = u.row_key[1]::integer);
-- customers.address/sync: ACCESS SHARE on "public"."customers"; per batch: finds the batch's upper key
SELECT t."id"::text FROM "public"."customers" t WHERE t."id" > ?::integer AND t."id" <= ?::integer ORDER BY t."id" OFFSET ? LIMIT 1;
-- customers.address/sync: ROW SHARE on "public"."customers"; per batch: records (and locks) the rows the plan cannot map
INSERT INTO "tandem"."unmapped" (plan_id, step_id, table_name, row_key, direction, sqlstate, reason, value, recorded_at)
SELECT 'customers-address-split', 'customers.address/sync', '"public"."customers"', ARRAY[t."id"::text], 'forward', NULL, 'the plan''s mappableWhen condition is false', left(concat_ws(', ', t."address"::text), 200), now()
FROM "public"."customers" t WHERE t."id" > ?::integer AND t."id" <= ?::integer AND NOT coalesce((address ~ '^[^,]+,[^,]+,[^,]+,[^,]+$')::boolean, true)
FOR UPDATE OF t
ON CONFLICT (plan_id, step_id, row_key, direction) DO NOTHING;
-- customers.address/sync: ACCESS SHARE on "public"."customers"; per batch: read-only comparison
SELECT count(*), count(*) FILTER (WHERE bad), (array_agg(key_text) FILTER (WHERE bad))[1:20]
FROM (SELECT concat_ws(',', t."id"::text) AS key_text,
  CASE WHEN EXISTS (SELECT 1 FROM "tandem"."unmapped" u WHERE u.plan_id = 'customers-address-split' AND u.step_id = 'customers.address/sync' AND u.row_key = ARRAY[t."id"::text]) THEN false
       ELSE ROW("street_address", "city", "state", "zip_code") IS DISTINCT FROM ROW((trim(split_part(address, ',', 1)))::character varying, (trim(split_part(address, ',', 2)))::character varying, (trim(split_part(address, ',', 3)))::character varying, (trim(split_part(address, ',', 4)))::character varying) END AS bad
  FROM "public"."customers" t WHERE t."id" > ?::integer AND t."id" <= ?::integer) AS checked;

== CONTRACT ==
-- customers.address/drop: ACCESS EXCLUSIVE on "public"."customers"
LOCK TABLE ONLY "public"."customers" IN ACCESS EXCLUSIVE MODE;
-- customers.address/drop: ACCESS EXCLUSIVE on "public"."customers"
DROP TRIGGER IF EXISTS "tandem_sync_525aaa166d_ins" ON "public"."customers";
-- customers.address/drop: ACCESS EXCLUSIVE on "public"."customers"
DROP TRIGGER IF EXISTS "tandem_sync_525aaa166d_upd" ON "public"."customers";
-- customers.address/drop: ACCESS EXCLUSIVE on "public"."customers"; catalog-only: no rewrite
ALTER TABLE "public"."customers" DROP COLUMN IF EXISTS "address";
-- (plan): no table lock
DROP FUNCTION IF EXISTS "tandem"."sync_525aaa166d"();

== ROLLBACK ==
-- customers.address/sync (+4): ACCESS EXCLUSIVE on "public"."customers"
LOCK TABLE ONLY "public"."customers" IN ACCESS EXCLUSIVE MODE;
-- customers.address/sync (+4): ACCESS EXCLUSIVE on "public"."customers"
DROP TRIGGER IF EXISTS "tandem_sync_525aaa166d_ins" ON "public"."customers";
-- customers.address/sync (+4): ACCESS EXCLUSIVE on "public"."customers"
DROP TRIGGER IF EXISTS "tandem_sync_525aaa166d_upd" ON "public"."customers";
-- customers.address/sync (+4): ACCESS EXCLUSIVE on "public"."customers"; catalog-only: no rewrite
ALTER TABLE "public"."customers" DROP COLUMN IF EXISTS "zip_code";
-- customers.address/sync (+4): ACCESS EXCLUSIVE on "public"."customers"; catalog-only: no rewrite
ALTER TABLE "public"."customers" DROP COLUMN IF EXISTS "state";
-- customers.address/sync (+4): ACCESS EXCLUSIVE on "public"."customers"; catalog-only: no rewrite
ALTER TABLE "public"."customers" DROP COLUMN IF EXISTS "city";
-- customers.address/sync (+4): ACCESS EXCLUSIVE on "public"."customers"; catalog-only: no rewrite
ALTER TABLE "public"."customers" DROP COLUMN IF EXISTS "street_address";
-- (plan): no table lock
DROP FUNCTION IF EXISTS "tandem"."sync_525aaa166d"();
