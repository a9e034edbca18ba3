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
      RAISE EXCEPTION USING
        MESSAGE = 'Tandem plan customers-address-split (customers.address/sync): cannot map forward the value ' || pg_catalog.quote_nullable(pg_catalog.left(pg_catalog.concat_ws(', ', NEW."address"::text), 200)) || ' of "address" in "public"."customers" row (' || pg_catalog.concat_ws(', ', NEW."id"::text) || ') to "street_address", "city", "state", "zip_code": ' || CASE WHEN _tandem_col IS NULL THEN '' ELSE 'column ' || pg_catalog.quote_ident(_tandem_col) || COALESCE(' (' || (SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a WHERE a.attrelid = TG_RELID AND a.attname = _tandem_col) || ')', '') || ': ' END || COALESCE(_tandem_reason, 'the mapping failed') || ' [TANDEM-0500]',
        ERRCODE = COALESCE(_tandem_state, '23514'),
        HINT = 'The plan''s unmapped-value policy is REJECT. Write a value the plan can map, or use UnmappedPolicy.RECORD to accept and record such values.';
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
      RAISE EXCEPTION USING
        MESSAGE = 'Tandem plan customers-address-split (customers.address/sync): cannot map backward the value ' || pg_catalog.quote_nullable(pg_catalog.left(pg_catalog.concat_ws(', ', NEW."street_address"::text, NEW."city"::text, NEW."state"::text, NEW."zip_code"::text), 200)) || ' of "street_address", "city", "state", "zip_code" in "public"."customers" row (' || pg_catalog.concat_ws(', ', NEW."id"::text) || ') to "address": ' || CASE WHEN _tandem_col IS NULL THEN '' ELSE 'column ' || pg_catalog.quote_ident(_tandem_col) || COALESCE(' (' || (SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a WHERE a.attrelid = TG_RELID AND a.attname = _tandem_col) || ')', '') || ': ' END || COALESCE(_tandem_reason, 'the mapping failed') || ' [TANDEM-0500]',
        ERRCODE = COALESCE(_tandem_state, '23514'),
        HINT = 'The plan''s unmapped-value policy is REJECT. Write a value the plan can map, or use UnmappedPolicy.RECORD to accept and record such values.';
    END IF;
  END IF;
  RETURN NEW;
END
$tandem$;
