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
    ELSE
      RAISE EXCEPTION 'Tandem plan customers-address-split (customers.address/sync): cannot map forward the value % of "address" in "public"."customers" row % to "street_address", "city", "state", "zip_code": % [TANDEM-0500]', left(concat_ws(', ', NEW."address"::text), 200), ARRAY[NEW."id"::text], _tandem_reason
        USING ERRCODE = coalesce(_tandem_state, '23514'),
              HINT = 'The plan''s unmapped-value policy is REJECT. Write a value the plan can map, or use UnmappedPolicy.RECORD to accept and record such values.';
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
    ELSE
      RAISE EXCEPTION 'Tandem plan customers-address-split (customers.address/sync): cannot map backward the value % of "street_address", "city", "state", "zip_code" in "public"."customers" row % to "address": % [TANDEM-0500]', left(concat_ws(', ', NEW."street_address"::text, NEW."city"::text, NEW."state"::text, NEW."zip_code"::text), 200), ARRAY[NEW."id"::text], _tandem_reason
        USING ERRCODE = coalesce(_tandem_state, '23514'),
              HINT = 'The plan''s unmapped-value policy is REJECT. Write a value the plan can map, or use UnmappedPolicy.RECORD to accept and record such values.';
    END IF;
  END IF;
  RETURN NEW;
END
$tandem$;
