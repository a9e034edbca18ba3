-- The roles and grants of a deployment, run by SecurityIT and TroubleshootingIT on the customers table of
-- customers.sql. The tests give the roles unique names (roles belong to the whole server) and use the test's database.

-- tag::grants[]
-- The migrator: owns the tables it migrates (ALTER TABLE, CREATE TRIGGER) and may create Tandem's schema
CREATE ROLE migrator LOGIN PASSWORD 'change-me';
ALTER TABLE customers OWNER TO migrator;
GRANT CREATE ON DATABASE shop TO migrator;

-- An application version: its DML grants, nothing on Tandem's schema
CREATE ROLE app LOGIN PASSWORD 'change-me';
GRANT USAGE ON SCHEMA public TO app;
GRANT SELECT, INSERT, UPDATE, DELETE ON customers TO app;
GRANT USAGE ON SEQUENCE customers_id_seq TO app;
-- end::grants[]

-- tag::revoke-public-create[]
-- PostgreSQL 14: only trusted roles may create objects in public (PostgreSQL 15 and later do this by default)
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
-- end::revoke-public-create[]

-- tag::replication-role[]
-- Optional, PostgreSQL 15 and later: lets the backfill skip the table's own triggers
GRANT SET ON PARAMETER session_replication_role TO migrator;
-- end::replication-role[]

-- tag::updated-at-trigger[]
-- The application's own trigger: every update of a customer moves updated_at
CREATE FUNCTION public.touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS 'BEGIN NEW.updated_at := pg_catalog.now(); RETURN NEW; END';
CREATE TRIGGER customers_touch BEFORE UPDATE ON customers
    FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();
-- end::updated-at-trigger[]

-- tag::digits-only[]
-- A function of the application's own, in schema public
CREATE FUNCTION public.digits_only(value text) RETURNS text
    LANGUAGE sql IMMUTABLE
    RETURN regexp_replace(value, '[^0-9]', '', 'g');
-- end::digits-only[]
