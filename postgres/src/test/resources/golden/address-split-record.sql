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
SELECT 1 FROM (SELECT (trim(split_part(address, ',', 1))), (trim(split_part(address, ',', 2))), (trim(split_part(address, ',', 3))), (trim(split_part(address, ',', 4))), (address ~ '^[^,]+,[^,]+,[^,]+,[^,]+$')::boolean FROM (SELECT t."address" FROM "public"."customers" t) AS t WHERE false) AS c
UNION ALL SELECT 1 FROM (SELECT (CASE WHEN num_nonnulls(street_address, city, state, zip_code) = 0 THEN NULL ELSE concat_ws(', ', street_address, city, state, zip_code) END) FROM (SELECT t."street_address", t."city", t."state", t."zip_code" FROM "public"."customers" t) AS t WHERE false) AS c;
-- customers.address/sync: no table lock
GRANT USAGE ON SCHEMA "tandem" TO PUBLIC;
-- customers.address/sync: no table lock
DROP FUNCTION IF EXISTS "tandem"."sync_525aaa166d_record"(integer, text, text, text);
-- customers.address/sync: no table lock
CREATE OR REPLACE FUNCTION "tandem"."sync_525aaa166d_record"(p_k1 integer, p_direction text, p_sqlstate text, p_reason text, p_value text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET TimeZone = 'UTC'
SET DateStyle = 'ISO, MDY'
SET IntervalStyle = 'postgres'
SET extra_float_digits = 1
SET bytea_output = 'hex'
AS $tandem$
DECLARE
  _r record;
  _current bigint;
  _distance bigint;
BEGIN
  IF p_direction IS NULL OR p_direction NOT IN ('forward', 'backward') THEN
    RETURN;
  END IF;
  SELECT t.xmin::text::bigint AS x,
         t."street_address" IS NULL AND t."city" IS NULL AND t."state" IS NULL AND t."zip_code" IS NULL AND (t."address" IS NOT NULL) AS forward_empty,
         t."address" IS NULL AND (t."street_address" IS NOT NULL OR t."city" IS NOT NULL OR t."state" IS NOT NULL OR t."zip_code" IS NOT NULL) AS backward_empty,
         pg_catalog.left(pg_catalog.concat_ws(', ', t."address"::text), 200) AS old_value,
         pg_catalog.left(pg_catalog.concat_ws(', ', t."street_address"::text, t."city"::text, t."state"::text, t."zip_code"::text), 200) AS new_value,
         pg_catalog.md5(pg_catalog.json_build_array(t."address")::text) AS old_print,
         pg_catalog.md5(pg_catalog.json_build_array(t."street_address", t."city", t."state", t."zip_code")::text) AS new_print,
         ARRAY[t."id"::text] AS row_key
    INTO _r FROM "public"."customers" AS t WHERE t."id" = p_k1;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  -- Other sessions' uncommitted row versions are invisible here, so a visible version whose xmin is
  -- still in progress was written by this transaction (or one of its subtransactions).
  _current := pg_catalog.pg_current_xact_id()::text::bigint;
  _distance := (_r.x - (_current & 4294967295)) & 4294967295;
  IF _distance >= 2147483648 THEN
    _distance := _distance - 4294967296;
  END IF;
  IF pg_catalog.pg_xact_status((_current + _distance)::text::xid8) IS DISTINCT FROM 'in progress' THEN
    RETURN;
  END IF;
  IF (p_direction = 'forward' AND _r.forward_empty AND _r.old_print = p_value) OR (p_direction = 'backward' AND _r.backward_empty AND _r.new_print = p_value) THEN
    INSERT INTO "tandem"."unmapped" (plan_id, step_id, table_name, row_key, direction, sqlstate, reason, value, recorded_at)
    VALUES ('customers-address-split', 'customers.address/sync', '"public"."customers"', _r.row_key, p_direction, pg_catalog.left(p_sqlstate, 5), pg_catalog.left(p_reason, 1000),
            CASE p_direction WHEN 'forward' THEN _r.old_value ELSE _r.new_value END, pg_catalog.now())
    ON CONFLICT (plan_id, step_id, row_key, direction) DO UPDATE SET sqlstate = EXCLUDED.sqlstate, reason = EXCLUDED.reason, value = EXCLUDED.value, recorded_at = EXCLUDED.recorded_at;
  END IF;
END
$tandem$;
-- customers.address/sync: no table lock
CREATE OR REPLACE FUNCTION "tandem"."sync_525aaa166d_pending"(p_depth integer) RETURNS void
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
SET TimeZone = 'UTC'
AS $tandem$
DECLARE
  _p text[];
  _keep text[] := '{}';
BEGIN
  _p := NULLIF(pg_catalog.current_setting('tandem.pending_525aaa166d', true), '')::text[];
  IF _p IS NULL THEN
    RETURN;
  END IF;
  FOR _i IN 1 .. COALESCE(pg_catalog.array_length(_p, 1), 0) LOOP
    IF _p[_i][1]::integer < p_depth THEN
      _keep := _keep || _p[_i:_i][:];
    ELSE
      PERFORM "tandem"."sync_525aaa166d_record"(_p[_i][2]::integer, _p[_i][3], _p[_i][4], _p[_i][5], _p[_i][6]);
    END IF;
  END LOOP;
  PERFORM pg_catalog.set_config('tandem.pending_525aaa166d', CASE WHEN pg_catalog.cardinality(_keep) = 0 THEN '' ELSE _keep::text END, true);
END
$tandem$;
-- customers.address/sync: no table lock
CREATE OR REPLACE FUNCTION "tandem"."sync_525aaa166d_note"() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
SET TimeZone = 'UTC'
AS $tandem$
BEGIN
  PERFORM "tandem"."sync_525aaa166d_pending"(pg_catalog.pg_trigger_depth());
  RETURN NULL;
END
$tandem$;
-- customers.address/sync: no table lock
CREATE OR REPLACE FUNCTION "tandem"."sync_525aaa166d"() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
SET TimeZone = 'UTC'
AS $tandem$
#variable_conflict use_variable
DECLARE
  _tandem_ok boolean;
  _tandem_row record;
  _tandem_col text;
  _tandem_state text;
  _tandem_reason text;
  _tandem_n1 "public"."customers"."street_address"%TYPE;
  _tandem_n2 "public"."customers"."city"%TYPE;
  _tandem_n3 "public"."customers"."state"%TYPE;
  _tandem_n4 "public"."customers"."zip_code"%TYPE;
  _tandem_o1 "public"."customers"."address"%TYPE;
  _tandem_old_side boolean;
  _tandem_new_side boolean;
  _tandem_writer record;
BEGIN
  IF pg_catalog.current_setting('tandem.sync', true) = 'off' AND pg_catalog.pg_has_role(10::pg_catalog.oid, 'MEMBER') THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' THEN
    _tandem_old_side := NEW."address" IS NOT NULL;
    _tandem_new_side := NEW."street_address" IS NOT NULL OR NEW."city" IS NOT NULL OR NEW."state" IS NOT NULL OR NEW."zip_code" IS NOT NULL;
  ELSE
    _tandem_old_side := ROW(NEW."address") IS DISTINCT FROM ROW(OLD."address");
    _tandem_new_side := ROW(NEW."street_address", NEW."city", NEW."state", NEW."zip_code") IS DISTINCT FROM ROW(OLD."street_address", OLD."city", OLD."state", OLD."zip_code");
    IF NOT _tandem_old_side AND NOT _tandem_new_side AND NOT (ROW(NEW."id") IS DISTINCT FROM ROW(OLD."id") AND NEW."street_address" IS NULL AND NEW."city" IS NULL AND NEW."state" IS NULL AND NEW."zip_code" IS NULL) THEN
      RETURN NEW; -- neither side changed, and no unfilled row's key moved
    END IF;
  END IF;
  IF (_tandem_old_side AND NOT _tandem_new_side)
     OR (NOT _tandem_old_side AND NOT _tandem_new_side AND (TG_OP = 'INSERT' OR NEW."street_address" IS NULL AND NEW."city" IS NULL AND NEW."state" IS NULL AND NEW."zip_code" IS NULL)) THEN
    _tandem_row := NEW;
    _tandem_ok := true;
    _tandem_col := NULL;
    _tandem_state := NULL;
    _tandem_reason := NULL;
    BEGIN
      DECLARE
        "address" "public"."customers"."address"%TYPE := _tandem_row."address";
      BEGIN
        _tandem_ok := COALESCE((address ~ '^[^,]+,[^,]+,[^,]+,[^,]+$')::boolean, true);
        IF NOT _tandem_ok THEN
          _tandem_reason := 'the plan''s mappableWhen condition is false';
        END IF;
        IF _tandem_ok THEN
          _tandem_col := 'street_address';
          _tandem_n1 := (trim(split_part(address, ',', 1)));
          _tandem_col := 'city';
          _tandem_n2 := (trim(split_part(address, ',', 2)));
          _tandem_col := 'state';
          _tandem_n3 := (trim(split_part(address, ',', 3)));
          _tandem_col := 'zip_code';
          _tandem_n4 := (trim(split_part(address, ',', 4)));
          _tandem_col := NULL;
        END IF;
      END;
    EXCEPTION WHEN data_exception THEN
      _tandem_ok := false;
      GET STACKED DIAGNOSTICS _tandem_state = RETURNED_SQLSTATE, _tandem_reason = MESSAGE_TEXT;
    END;
    IF _tandem_ok THEN
      NEW."street_address" := _tandem_n1;
      NEW."city" := _tandem_n2;
      NEW."state" := _tandem_n3;
      NEW."zip_code" := _tandem_n4;
    ELSE
      NEW."street_address" := NULL;
      NEW."city" := NULL;
      NEW."state" := NULL;
      NEW."zip_code" := NULL;
      IF pg_catalog.octet_length(pg_catalog.current_setting('tandem.pending_525aaa166d', true)) > 65536 THEN
        PERFORM "tandem"."sync_525aaa166d_pending"(pg_catalog.pg_trigger_depth());
      END IF;
      PERFORM pg_catalog.set_config('tandem.pending_525aaa166d', (COALESCE(NULLIF(pg_catalog.current_setting('tandem.pending_525aaa166d', true), ''), '{}')::text[] || ARRAY[ARRAY[pg_catalog.pg_trigger_depth()::text, NEW."id"::text, 'forward', _tandem_state, CASE WHEN _tandem_col IS NULL THEN '' ELSE 'column ' || pg_catalog.quote_ident(_tandem_col) || COALESCE(' (' || (SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a WHERE a.attrelid = TG_RELID AND a.attname = _tandem_col) || ')', '') || ': ' END || COALESCE(_tandem_reason, 'the mapping failed'), pg_catalog.md5(pg_catalog.json_build_array(NEW."address")::text)]])::text, true);
    END IF;
  ELSIF _tandem_new_side AND NOT _tandem_old_side THEN
    IF TG_OP = 'UPDATE' AND OLD."street_address" IS NULL AND OLD."city" IS NULL AND OLD."state" IS NULL AND OLD."zip_code" IS NULL AND (OLD."address" IS NOT NULL) THEN
      _tandem_writer := NEW;
      _tandem_row := OLD;
      _tandem_ok := true;
      _tandem_col := NULL;
      _tandem_state := NULL;
      _tandem_reason := NULL;
      BEGIN
        DECLARE
          "address" "public"."customers"."address"%TYPE := _tandem_row."address";
        BEGIN
          _tandem_ok := COALESCE((address ~ '^[^,]+,[^,]+,[^,]+,[^,]+$')::boolean, true);
          IF NOT _tandem_ok THEN
            _tandem_reason := 'the plan''s mappableWhen condition is false';
          END IF;
          IF _tandem_ok THEN
            _tandem_col := 'street_address';
            _tandem_n1 := (trim(split_part(address, ',', 1)));
            _tandem_col := 'city';
            _tandem_n2 := (trim(split_part(address, ',', 2)));
            _tandem_col := 'state';
            _tandem_n3 := (trim(split_part(address, ',', 3)));
            _tandem_col := 'zip_code';
            _tandem_n4 := (trim(split_part(address, ',', 4)));
            _tandem_col := NULL;
          END IF;
        END;
      EXCEPTION WHEN data_exception THEN
        _tandem_ok := false;
        GET STACKED DIAGNOSTICS _tandem_state = RETURNED_SQLSTATE, _tandem_reason = MESSAGE_TEXT;
      END;
      IF _tandem_ok THEN
        IF _tandem_writer."street_address" IS NOT DISTINCT FROM OLD."street_address" THEN
          NEW."street_address" := _tandem_n1;
        END IF;
        IF _tandem_writer."city" IS NOT DISTINCT FROM OLD."city" THEN
          NEW."city" := _tandem_n2;
        END IF;
        IF _tandem_writer."state" IS NOT DISTINCT FROM OLD."state" THEN
          NEW."state" := _tandem_n3;
        END IF;
        IF _tandem_writer."zip_code" IS NOT DISTINCT FROM OLD."zip_code" THEN
          NEW."zip_code" := _tandem_n4;
        END IF;
      END IF;
    END IF;
    _tandem_row := NEW;
    _tandem_ok := true;
    _tandem_col := NULL;
    _tandem_state := NULL;
    _tandem_reason := NULL;
    BEGIN
      DECLARE
        "street_address" "public"."customers"."street_address"%TYPE := _tandem_row."street_address";
        "city" "public"."customers"."city"%TYPE := _tandem_row."city";
        "state" "public"."customers"."state"%TYPE := _tandem_row."state";
        "zip_code" "public"."customers"."zip_code"%TYPE := _tandem_row."zip_code";
      BEGIN
        _tandem_col := 'address';
        _tandem_o1 := (CASE WHEN num_nonnulls(street_address, city, state, zip_code) = 0 THEN NULL ELSE concat_ws(', ', street_address, city, state, zip_code) END);
        _tandem_col := NULL;
      END;
    EXCEPTION WHEN data_exception THEN
      _tandem_ok := false;
      GET STACKED DIAGNOSTICS _tandem_state = RETURNED_SQLSTATE, _tandem_reason = MESSAGE_TEXT;
    END;
    IF _tandem_ok THEN
      NEW."address" := _tandem_o1;
    ELSE
      NEW."address" := NULL;
      IF pg_catalog.octet_length(pg_catalog.current_setting('tandem.pending_525aaa166d', true)) > 65536 THEN
        PERFORM "tandem"."sync_525aaa166d_pending"(pg_catalog.pg_trigger_depth());
      END IF;
      PERFORM pg_catalog.set_config('tandem.pending_525aaa166d', (COALESCE(NULLIF(pg_catalog.current_setting('tandem.pending_525aaa166d', true), ''), '{}')::text[] || ARRAY[ARRAY[pg_catalog.pg_trigger_depth()::text, NEW."id"::text, 'backward', _tandem_state, CASE WHEN _tandem_col IS NULL THEN '' ELSE 'column ' || pg_catalog.quote_ident(_tandem_col) || COALESCE(' (' || (SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a WHERE a.attrelid = TG_RELID AND a.attname = _tandem_col) || ')', '') || ': ' END || COALESCE(_tandem_reason, 'the mapping failed'), pg_catalog.md5(pg_catalog.json_build_array(NEW."street_address", NEW."city", NEW."state", NEW."zip_code")::text)]])::text, true);
    END IF;
  END IF;
  RETURN NEW;
END
$tandem$;
-- customers.address/sync: no table lock
REVOKE ALL ON FUNCTION "tandem"."sync_525aaa166d"() FROM PUBLIC;
-- customers.address/sync: no table lock
REVOKE ALL ON FUNCTION "tandem"."sync_525aaa166d_note"() FROM PUBLIC;
-- customers.address/sync: no table lock
GRANT EXECUTE ON FUNCTION "tandem"."sync_525aaa166d_record" TO PUBLIC;
-- customers.address/sync: no table lock
GRANT EXECUTE ON FUNCTION "tandem"."sync_525aaa166d_pending" TO PUBLIC;
-- customers.address/sync: SHARE ROW EXCLUSIVE on "public"."customers"
CREATE TRIGGER "tandem_sync_525aaa166d_ins" BEFORE INSERT ON "public"."customers" FOR EACH ROW
  EXECUTE FUNCTION "tandem"."sync_525aaa166d"();
-- customers.address/sync: SHARE ROW EXCLUSIVE on "public"."customers"
CREATE TRIGGER "tandem_sync_525aaa166d_upd" BEFORE UPDATE OF "address", "id" ON "public"."customers" FOR EACH ROW
  EXECUTE FUNCTION "tandem"."sync_525aaa166d"();
-- customers.address/sync: SHARE ROW EXCLUSIVE on "public"."customers"
CREATE TRIGGER "tandem_sync_525aaa166d_upn" BEFORE UPDATE OF "street_address", "city", "state", "zip_code" ON "public"."customers" FOR EACH ROW
  WHEN (pg_catalog.current_setting('tandem.sync', true) IS DISTINCT FROM 'off' OR NOT pg_catalog.pg_has_role(10::pg_catalog.oid, 'MEMBER'))
  EXECUTE FUNCTION "tandem"."sync_525aaa166d"();
-- customers.address/sync: SHARE ROW EXCLUSIVE on "public"."customers"
CREATE TRIGGER "tandem_sync_525aaa166d_nts" AFTER INSERT OR UPDATE OF "address", "street_address", "city", "state", "zip_code", "id" ON "public"."customers" FOR EACH STATEMENT
  WHEN (pg_catalog.current_setting('tandem.pending_525aaa166d', true) <> '')
  EXECUTE FUNCTION "tandem"."sync_525aaa166d_note"();

== BACKFILL ==
-- customers.address/backfill: ACCESS SHARE on "public"."customers"; once: the fixed upper bound, taken after the sync trigger exists
SELECT t."id"::text FROM "public"."customers" t ORDER BY t."id" DESC LIMIT 1;
-- customers.address/backfill: no table lock; per batch, each its own transaction: the sync trigger skips the batch (honoured only for members of the table's owner); with SET LOCAL session_replication_role = replica too when the migrator may set it, so application triggers do not fire either; and with SET LOCAL synchronous_commit = off unless PostgresOptions.withBackfillSynchronousCommit(true): a batch lost in a crash is lost with its cursor and redone
SET LOCAL tandem.sync = 'off';
-- customers.address/backfill: ACCESS SHARE on "public"."customers"; only after an empty batch: skips a gap in the keys; batches are key spans (lo, lo + size]
SELECT min(t."id")::text FROM "public"."customers" t WHERE t."id" > ?::integer;
-- customers.address/backfill: ROW EXCLUSIVE on "public"."customers"; per batch: row locks on the batch's rows only
UPDATE "public"."customers" SET ("street_address", "city", "state", "zip_code") = ROW((trim(split_part(address, ',', 1))), (trim(split_part(address, ',', 2))), (trim(split_part(address, ',', 3))), (trim(split_part(address, ',', 4))))
WHERE "id" > ?::integer AND "id" <= ?::integer AND "street_address" IS NULL AND "city" IS NULL AND "state" IS NULL AND "zip_code" IS NULL AND coalesce((address ~ '^[^,]+,[^,]+,[^,]+,[^,]+$')::boolean, true);
-- customers.address/backfill: ACCESS SHARE on "public"."customers"; per batch: records the rows the plan's condition rejects; only unfilled rows are tested
INSERT INTO "tandem"."unmapped" (plan_id, step_id, table_name, row_key, direction, sqlstate, reason, value, recorded_at)
SELECT 'customers-address-split', 'customers.address/sync', '"public"."customers"', ARRAY[t."id"::text], 'forward', NULL, 'the plan''s mappableWhen condition is false', pg_catalog.left(pg_catalog.concat_ws(', ', t."address"::text), 200), now()
FROM "public"."customers" t WHERE t."id" > ?::integer AND t."id" <= ?::integer AND t."street_address" IS NULL AND t."city" IS NULL AND t."state" IS NULL AND t."zip_code" IS NULL AND NOT coalesce((address ~ '^[^,]+,[^,]+,[^,]+,[^,]+$')::boolean, true)
ON CONFLICT (plan_id, step_id, row_key, direction) DO NOTHING;
-- customers.address/backfill: no table lock; per batch, same transaction: the resumable cursor
UPDATE "tandem"."backfills" SET cursor_key = ?, rows_done = rows_done + ?, batches = batches + 1, batch_size = ? WHERE plan_id = ? AND step_id = ?;
-- customers.address/backfill: ACCESS SHARE on "public"."customers"; only for a batch that failed on a value (SQLState class 22): the batch is split in halves down to the failing rows, each recorded with the column and the reason
INSERT INTO "tandem"."unmapped" (plan_id, step_id, table_name, row_key, direction, sqlstate, reason, value, recorded_at)
SELECT 'customers-address-split', 'customers.address/sync', '"public"."customers"', ARRAY[t."id"::text], d.direction, ?, ?, CASE d.direction WHEN 'forward' THEN pg_catalog.left(pg_catalog.concat_ws(', ', t."address"::text), 200) ELSE pg_catalog.left(pg_catalog.concat_ws(', ', t."street_address"::text, t."city"::text, t."state"::text, t."zip_code"::text), 200) END, now()
FROM "public"."customers" t, (SELECT ?::text AS direction) d WHERE t."id" = ?::integer
ON CONFLICT (plan_id, step_id, row_key, direction) DO UPDATE SET sqlstate = EXCLUDED.sqlstate, reason = EXCLUDED.reason, value = EXCLUDED.value, recorded_at = EXCLUDED.recorded_at;

== VERIFY ==
-- customers.address/sync: ACCESS SHARE on "public"."customers"; once: forgets unmapped rows that were deleted
DELETE FROM "tandem"."unmapped" u WHERE u.plan_id = 'customers-address-split' AND u.step_id = 'customers.address/sync' AND NOT EXISTS (SELECT 1 FROM "public"."customers" t WHERE t."id" = u.row_key[1]::integer);
-- customers.address/sync: ACCESS SHARE on "public"."customers"; per batch: finds the batch's upper key
SELECT t."id"::text FROM "public"."customers" t WHERE t."id" > ?::integer AND t."id" <= ?::integer ORDER BY t."id" OFFSET ? LIMIT 1;
-- customers.address/sync: ACCESS SHARE on "public"."customers"; per batch: forgets unmapped records of rows that are consistent now (a writer fixed them)
DELETE FROM "tandem"."unmapped" u USING "public"."customers" t WHERE u.plan_id = 'customers-address-split' AND u.step_id = 'customers.address/sync' AND t."id" = u.row_key[1]::integer AND t."id" > ?::integer AND t."id" <= ?::integer AND CASE WHEN ROW(t."street_address", t."city", t."state", t."zip_code") IS NOT DISTINCT FROM ROW((trim(split_part(address, ',', 1)))::character varying, (trim(split_part(address, ',', 2)))::character varying, (trim(split_part(address, ',', 3)))::character varying, (trim(split_part(address, ',', 4)))::character varying) THEN true WHEN ROW(t."address") IS NOT DISTINCT FROM ROW((CASE WHEN num_nonnulls(street_address, city, state, zip_code) = 0 THEN NULL ELSE concat_ws(', ', street_address, city, state, zip_code) END)::text) THEN true ELSE false END;
-- customers.address/sync: ACCESS SHARE on "public"."customers"; per batch: records the unfilled rows the plan's condition rejects
INSERT INTO "tandem"."unmapped" (plan_id, step_id, table_name, row_key, direction, sqlstate, reason, value, recorded_at)
SELECT 'customers-address-split', 'customers.address/sync', '"public"."customers"', ARRAY[t."id"::text], 'forward', NULL, 'the plan''s mappableWhen condition is false', pg_catalog.left(pg_catalog.concat_ws(', ', t."address"::text), 200), now()
FROM "public"."customers" t WHERE t."id" > ?::integer AND t."id" <= ?::integer AND t."street_address" IS NULL AND t."city" IS NULL AND t."state" IS NULL AND t."zip_code" IS NULL AND NOT coalesce((address ~ '^[^,]+,[^,]+,[^,]+,[^,]+$')::boolean, true)
ON CONFLICT (plan_id, step_id, row_key, direction) DO NOTHING;
-- customers.address/sync: ACCESS SHARE on "public"."customers"; per batch: read-only comparison, no row locks
SELECT count(*), count(*) FILTER (WHERE bad), (array_agg(key_text) FILTER (WHERE bad))[1:20]
FROM (SELECT concat_ws(',', t."id"::text) AS key_text,
  CASE WHEN EXISTS (SELECT 1 FROM "tandem"."unmapped" u WHERE u.plan_id = 'customers-address-split' AND u.step_id = 'customers.address/sync' AND u.row_key = ARRAY[t."id"::text]) THEN false
       ELSE NOT CASE WHEN ROW(t."street_address", t."city", t."state", t."zip_code") IS NOT DISTINCT FROM ROW((trim(split_part(address, ',', 1)))::character varying, (trim(split_part(address, ',', 2)))::character varying, (trim(split_part(address, ',', 3)))::character varying, (trim(split_part(address, ',', 4)))::character varying) THEN true WHEN ROW(t."address") IS NOT DISTINCT FROM ROW((CASE WHEN num_nonnulls(street_address, city, state, zip_code) = 0 THEN NULL ELSE concat_ws(', ', street_address, city, state, zip_code) END)::text) THEN true ELSE false END END AS bad
  FROM "public"."customers" t WHERE t."id" > ?::integer AND t."id" <= ?::integer) AS checked;

== CONTRACT ==
-- customers.address/drop: ACCESS EXCLUSIVE on "public"."customers"
LOCK TABLE ONLY "public"."customers" IN ACCESS EXCLUSIVE MODE;
-- customers.address/drop: no table lock; under the table's lock: refuses if a value was recorded unmapped since the verification
DO $tandem$
BEGIN
  IF EXISTS (SELECT 1 FROM "tandem"."unmapped" WHERE plan_id = 'customers-address-split' AND step_id IN ('customers.address/sync') AND direction = 'forward') THEN
    RAISE EXCEPTION 'values were recorded as unmapped after the verification' USING ERRCODE = 'TD420';
  END IF;
END
$tandem$;
-- customers.address/drop: ACCESS EXCLUSIVE on "public"."customers"
DROP TRIGGER IF EXISTS "tandem_sync_525aaa166d_ins" ON "public"."customers";
-- customers.address/drop: ACCESS EXCLUSIVE on "public"."customers"
DROP TRIGGER IF EXISTS "tandem_sync_525aaa166d_upd" ON "public"."customers";
-- customers.address/drop: ACCESS EXCLUSIVE on "public"."customers"
DROP TRIGGER IF EXISTS "tandem_sync_525aaa166d_upn" ON "public"."customers";
-- customers.address/drop: ACCESS EXCLUSIVE on "public"."customers"
DROP TRIGGER IF EXISTS "tandem_sync_525aaa166d_nts" ON "public"."customers";
-- customers.address/drop: ACCESS EXCLUSIVE on "public"."customers"
DROP TRIGGER IF EXISTS "tandem_sync_525aaa166d_nti" ON "public"."customers";
-- customers.address/drop: ACCESS EXCLUSIVE on "public"."customers"
DROP TRIGGER IF EXISTS "tandem_sync_525aaa166d_ntu" ON "public"."customers";
-- customers.address/drop: ACCESS EXCLUSIVE on "public"."customers"; catalog-only: no rewrite
ALTER TABLE "public"."customers" DROP COLUMN IF EXISTS "address";
-- (plan): no table lock
DROP FUNCTION IF EXISTS "tandem"."sync_525aaa166d"();
-- (plan): no table lock
DROP FUNCTION IF EXISTS "tandem"."sync_525aaa166d_note"();
-- (plan): no table lock
DROP FUNCTION IF EXISTS "tandem"."sync_525aaa166d_pending"(integer);
-- (plan): no table lock
DROP FUNCTION IF EXISTS "tandem"."sync_525aaa166d_record";

== ROLLBACK ==
-- customers.address/sync (+4): ACCESS EXCLUSIVE on "public"."customers"
LOCK TABLE ONLY "public"."customers" IN ACCESS EXCLUSIVE MODE;
-- customers.address/sync (+4): ACCESS EXCLUSIVE on "public"."customers"
DROP TRIGGER IF EXISTS "tandem_sync_525aaa166d_ins" ON "public"."customers";
-- customers.address/sync (+4): ACCESS EXCLUSIVE on "public"."customers"
DROP TRIGGER IF EXISTS "tandem_sync_525aaa166d_upd" ON "public"."customers";
-- customers.address/sync (+4): ACCESS EXCLUSIVE on "public"."customers"
DROP TRIGGER IF EXISTS "tandem_sync_525aaa166d_upn" ON "public"."customers";
-- customers.address/sync (+4): ACCESS EXCLUSIVE on "public"."customers"
DROP TRIGGER IF EXISTS "tandem_sync_525aaa166d_nts" ON "public"."customers";
-- customers.address/sync (+4): ACCESS EXCLUSIVE on "public"."customers"
DROP TRIGGER IF EXISTS "tandem_sync_525aaa166d_nti" ON "public"."customers";
-- customers.address/sync (+4): ACCESS EXCLUSIVE on "public"."customers"
DROP TRIGGER IF EXISTS "tandem_sync_525aaa166d_ntu" ON "public"."customers";
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
-- (plan): no table lock
DROP FUNCTION IF EXISTS "tandem"."sync_525aaa166d_note"();
-- (plan): no table lock
DROP FUNCTION IF EXISTS "tandem"."sync_525aaa166d_pending"(integer);
-- (plan): no table lock
DROP FUNCTION IF EXISTS "tandem"."sync_525aaa166d_record";
