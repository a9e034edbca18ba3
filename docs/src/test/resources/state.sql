-- Queries on Tandem's state tables, run by ConceptsIT after a plan's expand, backfill and verify.

-- tag::plans[]
SELECT plan_id, state, inconsistent_rows, last_error, forced_contract_reason
FROM tandem.plans
WHERE plan_id = 'customers-address-split';
-- end::plans[]

-- tag::events[]
SELECT phase, step_id, attempt, outcome, duration_ms, detail
FROM tandem.events
WHERE plan_id = 'customers-address-split'
ORDER BY id;
-- end::events[]

-- tag::backfills[]
SELECT step_id, upper_bound, cursor_key, rows_done, batches, batch_size, finished_at IS NOT NULL AS finished
FROM tandem.backfills
WHERE plan_id = 'customers-address-split';
-- end::backfills[]

-- tag::unmapped[]
SELECT table_name, row_key, direction, sqlstate, reason, value
FROM tandem.unmapped
WHERE plan_id = 'customers-address-split'
ORDER BY recorded_at;
-- end::unmapped[]

-- tag::limitation-update[]
-- after expand, before backfill: version 2 changes the city of a row from before expand
UPDATE customers SET city = 'Brooklyn' WHERE id = 1;
-- end::limitation-update[]

-- tag::limitation[]
SELECT id, address, street_address, city, state, zip_code FROM customers WHERE id = 1;
-- end::limitation[]
