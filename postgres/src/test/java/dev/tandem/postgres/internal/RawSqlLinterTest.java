package dev.tandem.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.plan.Identifier;
import dev.tandem.plan.SqlStatement;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.internal.RawSqlLinter.Finding;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RawSqlLinterTest {

    private static final String UNNAMED = RawSqlLinter.UNNAMED_CONSTRAINT;

    /** Lints {@code sql} with {@code public} as the default schema; a literal {@code \n} stands for a line break. */
    private static Finding lint(String sql) {
        return RawSqlLinter.lint(SqlStatement.trusted(sql.replace("\\n", "\n")), Identifier.of("public"));
    }

    /** {@return the relation as {@code schema.name}, unquoted, or "-"} */
    private static String relation(Finding f) {
        TableName t = f.relation();
        return t == null
                ? "-"
                : t.schemaName().orElseThrow().value() + "." + t.name().value();
    }

    // ---- statements that must carry no finding ----
    // Columns are separated by |; "-" is no table; \n in SQL stands for a line break; ` would quote a cell.

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # sql                                                                   | lock                   | relation      | scans | part of the note
            ALTER TABLE t RENAME CONSTRAINT a TO b                                  | ACCESS_EXCLUSIVE       | public.t      | false |
            COMMENT ON TABLE t IS 'built concurrently; ADD CHECK (x > 0)'           | SHARE_UPDATE_EXCLUSIVE | public.t      | false |
            COMMENT ON TABLE t IS E'it\\'s ADD CHECK, DROP TABLE'                   | SHARE_UPDATE_EXCLUSIVE | public.t      | false |
            COMMENT ON COLUMN s.t.c IS 'x'                                          | SHARE_UPDATE_EXCLUSIVE | s.t           | false |
            COMMENT ON FUNCTION f() IS 'drops nothing'                              | NONE                   | -             | false |
            CREATE INDEX CONCURRENTLY t_a_idx ON t (a)                              | SHARE_UPDATE_EXCLUSIVE | public.t      | true  | may leave an INVALID index
            CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS k ON ONLY t (a)          | SHARE_UPDATE_EXCLUSIVE | public.t      | true  | may leave an INVALID index
            ALTER TABLE t VALIDATE CONSTRAINT c                                     | SHARE_UPDATE_EXCLUSIVE | public.t      | true  | scans without blocking writes
            ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID                  | ACCESS_EXCLUSIVE       | public.t      | false |
            ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (b) REFERENCES u NOT VALID  | SHARE_ROW_EXCLUSIVE    | public.t      | false |
            ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX i                     | ACCESS_EXCLUSIVE       | public.t      | false |
            ALTER TABLE t ADD UNIQUE USING INDEX i                                  | ACCESS_EXCLUSIVE       | public.t      | false |
            ALTER TABLE t ADD PRIMARY KEY USING INDEX t_pkey                        | ACCESS_EXCLUSIVE       | public.t      | false | sets NOT NULL on the key columns
            ALTER TABLE t ADD CONSTRAINT nn NOT NULL c NOT VALID                    | ACCESS_EXCLUSIVE       | public.t      | false |
            ALTER TABLE t ALTER COLUMN a SET DEFAULT 0                              | ACCESS_EXCLUSIVE       | public.t      | false |
            ALTER TABLE t ALTER COLUMN a SET DEFAULT gen_random_uuid()              | ACCESS_EXCLUSIVE       | public.t      | false |
            ALTER TABLE t ALTER COLUMN a DROP NOT NULL                              | ACCESS_EXCLUSIVE       | public.t      | false |
            ALTER TABLE t ALTER COLUMN a DROP DEFAULT                               | ACCESS_EXCLUSIVE       | public.t      | false |
            ALTER TABLE t ALTER a SET STATISTICS 500                                | SHARE_UPDATE_EXCLUSIVE | public.t      | false |
            ALTER TABLE t ALTER CONSTRAINT fk DEFERRABLE                            | ACCESS_EXCLUSIVE       | public.t      | false |
            ALTER TABLE t DROP CONSTRAINT IF EXISTS c                               | ACCESS_EXCLUSIVE       | public.t      | false |
            ALTER TABLE t SET (autovacuum_vacuum_scale_factor = 0.01, fillfactor=90)| SHARE_UPDATE_EXCLUSIVE | public.t      | false |
            ALTER TABLE t SET (toast.autovacuum_enabled = off)                      | SHARE_UPDATE_EXCLUSIVE | public.t      | false |
            ALTER TABLE t SET (user_catalog_table = true)                           | ACCESS_EXCLUSIVE       | public.t      | false |
            ALTER TABLE t ENABLE TRIGGER trg                                        | SHARE_ROW_EXCLUSIVE    | public.t      | false |
            ALTER TABLE t DISABLE RULE r                                            | ACCESS_EXCLUSIVE       | public.t      | false |
            ALTER TABLE t CLUSTER ON t_pkey                                         | SHARE_UPDATE_EXCLUSIVE | public.t      | false |
            ALTER TABLE t OWNER TO app                                              | ACCESS_EXCLUSIVE       | public.t      | false |
            ALTER TABLE p DETACH PARTITION p_2020 CONCURRENTLY                      | SHARE_UPDATE_EXCLUSIVE | public.p      | false |
            ALTER TABLE t ADD COLUMN c text                                         | ACCESS_EXCLUSIVE       | public.t      | false |
            ALTER TABLE t ADD c text COLLATE "C"                                    | ACCESS_EXCLUSIVE       | public.t      | false |
            ALTER TABLE t ADD COLUMN IF NOT EXISTS c int NOT NULL DEFAULT 0         | ACCESS_EXCLUSIVE       | public.t      | false |
            ALTER TABLE t ADD COLUMN c timestamptz NOT NULL DEFAULT now()           | ACCESS_EXCLUSIVE       | public.t      | false |
            ALTER TABLE t ADD COLUMN c int CONSTRAINT c_fk REFERENCES u             | ACCESS_EXCLUSIVE       | public.t      | false |
            ALTER TABLE t ADD COLUMN "check" int                                    | ACCESS_EXCLUSIVE       | public.t      | false |
            ALTER TABLE t ADD COLUMN g int GENERATED ALWAYS AS (a * 2) VIRTUAL      | ACCESS_EXCLUSIVE       | public.t      | false |
            ALTER TABLE t ADD COLUMN tags text[] DEFAULT ARRAY['a', 'b']            | ACCESS_EXCLUSIVE       | public.t      | false |
            ALTER TABLE t ALTER COLUMN name TYPE varchar(200)                       | ACCESS_EXCLUSIVE       | public.t      | false | catalog-only if it widens
            ALTER TABLE t ALTER COLUMN name TYPE character varying(200)             | ACCESS_EXCLUSIVE       | public.t      | false | catalog-only if it widens
            ALTER TABLE t ALTER COLUMN name SET DATA TYPE varchar                   | ACCESS_EXCLUSIVE       | public.t      | false | catalog-only if it widens
            ALTER TABLE t ALTER name TYPE TEXT                                      | ACCESS_EXCLUSIVE       | public.t      | false | catalog-only if it widens
            ALTER TABLE t ALTER COLUMN amount TYPE numeric                          | ACCESS_EXCLUSIVE       | public.t      | false | catalog-only if it widens
            DROP INDEX CONCURRENTLY IF EXISTS i                                     | SHARE_UPDATE_EXCLUSIVE | -             | false |
            REINDEX INDEX CONCURRENTLY i                                            | SHARE_UPDATE_EXCLUSIVE | public.i      | true  | may leave an INVALID *_ccnew index
            REINDEX (CONCURRENTLY) TABLE s.t                                        | SHARE_UPDATE_EXCLUSIVE | s.t           | true  | may leave an INVALID *_ccnew index
            REFRESH MATERIALIZED VIEW CONCURRENTLY mv                               | EXCLUSIVE              | public.mv     | true  | blocks writes to the view, not reads
            CREATE TRIGGER trg BEFORE UPDATE OF a, b ON t FOR EACH ROW EXECUTE FUNCTION f() | SHARE_ROW_EXCLUSIVE | public.t | false | blocks writes briefly
            DROP TRIGGER IF EXISTS trg ON t                                         | ACCESS_EXCLUSIVE       | public.t      | false |
            INSERT INTO t (a) VALUES (1)                                            | ROW_EXCLUSIVE          | public.t      | false |
            UPDATE t SET a = 1 WHERE id = 2                                         | ROW_EXCLUSIVE          | public.t      | false | row locks on the matched rows
            DELETE FROM ONLY t WHERE id < 10                                        | ROW_EXCLUSIVE          | public.t      | false | row locks on the matched rows
            WITH m AS (DELETE FROM t WHERE id < 10 RETURNING *) INSERT INTO u SELECT * FROM m | ROW_EXCLUSIVE | public.u    | false |
            SELECT count(*) FROM t                                                  | ACCESS_SHARE           | -             | false |
            COPY t FROM STDIN                                                       | ROW_EXCLUSIVE          | public.t      | false |
            VACUUM (ANALYZE) t                                                      | SHARE_UPDATE_EXCLUSIVE | public.t      | true  |
            ANALYZE t                                                               | SHARE_UPDATE_EXCLUSIVE | public.t      | false |
            GRANT SELECT ON t TO app                                                | NONE                   | -             | false |
            SET lock_timeout = '1s'                                                 | NONE                   | -             | false |
            CREATE VIEW v AS SELECT * FROM t                                        | NONE                   | -             | false |
            CREATE OR REPLACE VIEW v AS SELECT * FROM t                             | ACCESS_EXCLUSIVE       | public.v      | false |
            CREATE TABLE n (id bigint PRIMARY KEY, CHECK (id > 0))                  | NONE                   | -             | false |
            CREATE TABLE child (id int, parent_id int REFERENCES parent (id))       | SHARE_ROW_EXCLUSIVE    | public.parent | false |
            CREATE EXTENSION IF NOT EXISTS pg_trgm                                  | NONE                   | -             | false |
            CREATE SCHEMA archive                                                   | NONE                   | -             | false |
            ALTER TYPE mood ADD VALUE 'ok' AFTER 'sad'                              | NONE                   | -             | false |
            ALTER INDEX i RENAME TO j                                               | SHARE_UPDATE_EXCLUSIVE | -             | false |
            LOCK TABLE t IN ACCESS SHARE MODE                                       | ACCESS_SHARE           | public.t      | false |
            ALTER TABLE t VALIDATE CONSTRAINT c, ALTER COLUMN a SET STATISTICS 100  | SHARE_UPDATE_EXCLUSIVE | public.t      | true  | scans without blocking writes
            ALTER TABLE t SET (fillfactor = 70), ENABLE TRIGGER x                   | SHARE_ROW_EXCLUSIVE    | public.t      | false |
            -- CREATE INDEX i ON t (a)\\nALTER TABLE t ADD COLUMN c text             | ACCESS_EXCLUSIVE       | public.t      | false |
            /* ALTER TABLE t ADD CHECK (a > 0) */ COMMENT ON TABLE t IS 'ADD CHECK' | SHARE_UPDATE_EXCLUSIVE | public.t      | false |
            ALTER TABLE t ADD COLUMN c text -- ADD CHECK (c > 0)\\n                  | ACCESS_EXCLUSIVE       | public.t      | false |
            CREATE FUNCTION f() RETURNS void AS $$ BEGIN ALTER TABLE t ADD CHECK (a > 0); UPDATE t SET a = 1; END $$ LANGUAGE plpgsql | NONE | - | false |
            UPDATE t SET note = $$ no WHERE here $$ WHERE id = 1                    | ROW_EXCLUSIVE          | public.t      | false | row locks on the matched rows
            alter table if exists only "S"."T" * rename constraint "A" to "B"       | ACCESS_EXCLUSIVE       | S.T           | false |
            alter TABLE Orders add constraint C check (A > 0) not valid             | ACCESS_EXCLUSIVE       | public.orders | false |
            ALTER TABLE db.s.t ADD COLUMN c text                                    | ACCESS_EXCLUSIVE       | s.t           | false |
            ALTER\\n/* x */ TABLE -- y\\n"My ""T""\" ADD COLUMN c text                | ACCESS_EXCLUSIVE       | public.My "T" | false |
            """)
    void silent(String sql, LockMode lock, String relation, boolean scans, @Nullable String note) {
        Finding f = lint(sql);
        assertThat(f.finding()).as("finding").isEmpty();
        assertThat(f.risky()).isFalse();
        assertThat(f.lock()).as("lock").isEqualTo(lock);
        assertThat(relation(f)).as("relation").isEqualTo(relation);
        assertThat(f.rewrites()).as("rewrites").isFalse();
        assertThat(f.scans()).as("scans").isEqualTo(scans);
        if (note == null) {
            assertThat(f.note()).as("note").isEmpty();
        } else {
            assertThat(f.note()).as("note").contains(note);
        }
    }

    // ---- statements that must be flagged ----
    // The last column lists parts of the findings, in order, separated by " & "; UNNAMED and UNNAMED_INDEX stand for
    // the unnamed-constraint and unnamed-index findings.

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # sql                                                       | lock                   | relation | rewrites | scans | parts of the findings
            ALTER TABLE t ADD CHECK (a > 0)                             | ACCESS_EXCLUSIVE       | public.t | false | true  | UNNAMED & UNSAFE: ADD CHECK scans the table under ACCESS EXCLUSIVE; add it NOT VALID
            ALTER TABLE t ADD CHECK (a > 0) NOT VALID                   | ACCESS_EXCLUSIVE       | public.t | false | false | UNNAMED
            ALTER TABLE t ADD FOREIGN KEY (b) REFERENCES u (id)         | SHARE_ROW_EXCLUSIVE    | public.t | false | true  | UNNAMED & ADD FOREIGN KEY scans the table while it blocks writes on both tables
            ALTER TABLE t ADD FOREIGN KEY (b) REFERENCES u NOT VALID    | SHARE_ROW_EXCLUSIVE    | public.t | false | false | UNNAMED
            ALTER TABLE t ADD UNIQUE (email)                            | ACCESS_EXCLUSIVE       | public.t | false | true  | UNNAMED & UNSAFE: ADD UNIQUE builds an index under ACCESS EXCLUSIVE
            ALTER TABLE t ADD PRIMARY KEY (id)                          | ACCESS_EXCLUSIVE       | public.t | false | true  | UNNAMED & ADD PRIMARY KEY builds an index
            ALTER TABLE t ADD EXCLUDE USING gist (r WITH &&)            | ACCESS_EXCLUSIVE       | public.t | false | true  | UNNAMED & ADD EXCLUDE builds an index and checks every row
            ALTER TABLE t ADD COLUMN c int REFERENCES u                 | ACCESS_EXCLUSIVE       | public.t | false | false | UNNAMED
            ALTER TABLE t ADD COLUMN c int UNIQUE                       | ACCESS_EXCLUSIVE       | public.t | false | true  | UNNAMED & ADD COLUMN c UNIQUE builds an index
            ALTER TABLE t ADD COLUMN c int PRIMARY KEY                  | ACCESS_EXCLUSIVE       | public.t | false | true  | UNNAMED & ADD COLUMN c PRIMARY KEY builds an index
            ALTER TABLE t ADD COLUMN c int CHECK (c > 0)                | ACCESS_EXCLUSIVE       | public.t | false | true  | UNNAMED & ADD COLUMN c CHECK scans
            ALTER TABLE t ADD c int CONSTRAINT p CHECK (c > 0) UNIQUE   | ACCESS_EXCLUSIVE       | public.t | false | true  | ADD COLUMN c CHECK scans & UNNAMED & UNIQUE builds an index
            ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0)                | ACCESS_EXCLUSIVE       | public.t | false | true  | UNSAFE: ADD CHECK scans the table under ACCESS EXCLUSIVE; add it NOT VALID, then VALIDATE CONSTRAINT
            ALTER TABLE t ADD CONSTRAINT c CHECK (note <> 'NOT VALID')  | ACCESS_EXCLUSIVE       | public.t | false | true  | ADD CHECK scans
            ALTER TABLE o ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES c| SHARE_ROW_EXCLUSIVE    | public.o | false | true  | (SHARE ROW EXCLUSIVE); add it NOT VALID, then VALIDATE CONSTRAINT
            ALTER TABLE t ALTER COLUMN c SET NOT NULL                   | ACCESS_EXCLUSIVE       | public.t | false | true  | UNSAFE: SET NOT NULL on c scans the table under ACCESS EXCLUSIVE, unless a validated CHECK (c IS NOT NULL) proves it
            ALTER TABLE t ADD CONSTRAINT nn NOT NULL c                  | ACCESS_EXCLUSIVE       | public.t | false | true  | SET NOT NULL on c
            ALTER TABLE t ADD CONSTRAINT u UNIQUE (email)               | ACCESS_EXCLUSIVE       | public.t | false | true  | ADD UNIQUE builds an index under ACCESS EXCLUSIVE; build it with CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE USING INDEX
            ALTER TABLE t ADD CONSTRAINT u UNIQUE NULLS NOT DISTINCT (e) USING INDEX TABLESPACE ts | ACCESS_EXCLUSIVE | public.t | false | true | ADD UNIQUE builds an index
            ALTER TABLE t ADD CONSTRAINT pk PRIMARY KEY (id)            | ACCESS_EXCLUSIVE       | public.t | false | true  | ADD PRIMARY KEY builds an index
            CREATE INDEX i ON t (a)                                     | SHARE                  | public.t | false | true  | UNSAFE: CREATE INDEX blocks writes (SHARE lock) for the whole build; use CREATE INDEX CONCURRENTLY
            create unique index if not exists i on only s.t using btree (lower(a)) | SHARE       | s.t      | false | true  | CREATE INDEX blocks writes
            CREATE INDEX ON t (a)                                       | SHARE                  | public.t | false | true  | UNNAMED_INDEX & CREATE INDEX blocks writes
            CREATE INDEX CONCURRENTLY ON t (a)                          | SHARE_UPDATE_EXCLUSIVE | public.t | false | true  | UNNAMED_INDEX
            DROP INDEX i                                                | ACCESS_EXCLUSIVE       | -        | false | false | UNSAFE: DROP INDEX takes ACCESS EXCLUSIVE on the table, blocking reads and writes; use DROP INDEX CONCURRENTLY
            ALTER TABLE t ALTER COLUMN zip TYPE integer USING zip::integer | ACCESS_EXCLUSIVE    | public.t | true  | true  | UNSAFE: changes the type of zip in place: rewrites the table and its indexes under ACCESS EXCLUSIVE
            ALTER TABLE t ALTER COLUMN zip TYPE bigint                  | ACCESS_EXCLUSIVE       | public.t | true  | true  | changes the type of zip
            ALTER TABLE t ALTER COLUMN name TYPE varchar(10) COLLATE "C"| ACCESS_EXCLUSIVE       | public.t | true  | true  | changes the type of name
            ALTER TABLE t ALTER COLUMN name TYPE text USING trim(name)  | ACCESS_EXCLUSIVE       | public.t | true  | true  | changes the type of name
            ALTER TABLE t ALTER COLUMN amount TYPE numeric(12,2)        | ACCESS_EXCLUSIVE       | public.t | true  | true  | changes the type of amount
            ALTER TABLE t ADD COLUMN token uuid DEFAULT gen_random_uuid() | ACCESS_EXCLUSIVE     | public.t | true  | true  | UNSAFE: ADD COLUMN token with the volatile default gen_random_uuid() rewrites the table under ACCESS EXCLUSIVE
            ALTER TABLE t ADD COLUMN r float8 NOT NULL DEFAULT (random() * 10) | ACCESS_EXCLUSIVE | public.t | true  | true  | volatile default random()
            ALTER TABLE t ADD COLUMN at timestamptz DEFAULT clock_timestamp() | ACCESS_EXCLUSIVE | public.t | true  | true  | volatile default clock_timestamp()
            ALTER TABLE t ADD COLUMN n bigint DEFAULT nextval('t_seq')  | ACCESS_EXCLUSIVE       | public.t | true  | true  | volatile default nextval()
            ALTER TABLE t ADD COLUMN u uuid DEFAULT public.uuid_generate_v4() | ACCESS_EXCLUSIVE | public.t | true  | true  | volatile default uuid_generate_v4()
            ALTER TABLE t ADD COLUMN id2 bigserial                      | ACCESS_EXCLUSIVE       | public.t | true  | true  | ADD COLUMN id2 bigserial fills every row from a sequence
            ALTER TABLE t ADD COLUMN id2 bigint GENERATED ALWAYS AS IDENTITY (START WITH 10) | ACCESS_EXCLUSIVE | public.t | true | true | AS IDENTITY fills every row
            ALTER TABLE t ADD COLUMN s tsvector GENERATED ALWAYS AS (to_tsvector('simple', n)) STORED | ACCESS_EXCLUSIVE | public.t | true | true | ADD COLUMN s GENERATED ... STORED computes every row: rewrites the table
            ALTER TABLE t ALTER COLUMN g SET EXPRESSION AS (a * 3)      | ACCESS_EXCLUSIVE       | public.t | true  | true  | SET EXPRESSION of g
            ALTER TABLE t ADD COLUMN tier text NOT NULL                 | ACCESS_EXCLUSIVE       | public.t | false | false | UNSAFE: ADD COLUMN tier NOT NULL without a default fails on a non-empty table
            ALTER TABLE t ADD COLUMN tier text DEFAULT NULL NOT NULL    | ACCESS_EXCLUSIVE       | public.t | false | false | NOT NULL without a default
            VACUUM FULL t                                               | ACCESS_EXCLUSIVE       | public.t | true  | true  | UNSAFE: VACUUM FULL rewrites the table under ACCESS EXCLUSIVE
            VACUUM (FULL, VERBOSE) t                                    | ACCESS_EXCLUSIVE       | public.t | true  | true  | VACUUM FULL rewrites
            CLUSTER t USING t_pkey                                      | ACCESS_EXCLUSIVE       | public.t | true  | true  | UNSAFE: CLUSTER rewrites the table
            REINDEX TABLE t                                             | SHARE                  | public.t | false | true  | UNSAFE: REINDEX blocks writes, and reads that use the index, while it rebuilds; use REINDEX ... CONCURRENTLY
            REINDEX (VERBOSE) INDEX i                                   | SHARE                  | public.i | false | true  | REINDEX blocks writes
            REINDEX (CONCURRENTLY off) TABLE t                          | SHARE                  | public.t | false | true  | REINDEX blocks writes
            REFRESH MATERIALIZED VIEW mv WITH DATA                      | ACCESS_EXCLUSIVE       | public.mv| true  | true  | REFRESH MATERIALIZED VIEW blocks reads of the view
            LOCK TABLE t                                                | ACCESS_EXCLUSIVE       | public.t | false | false | UNSAFE: LOCK TABLE holds ACCESS EXCLUSIVE until the transaction ends, blocking reads and writes
            LOCK t IN SHARE ROW EXCLUSIVE MODE NOWAIT                   | SHARE_ROW_EXCLUSIVE    | public.t | false | false | holds SHARE ROW EXCLUSIVE until the transaction ends, blocking writes
            TRUNCATE t                                                  | ACCESS_EXCLUSIVE       | public.t | false | false | UNSAFE: TRUNCATE deletes every row
            TRUNCATE TABLE t, u RESTART IDENTITY CASCADE                | ACCESS_EXCLUSIVE       | public.t | false | false | TRUNCATE deletes every row & CASCADE also empties every table with a foreign key to it
            DROP TABLE IF EXISTS t                                      | ACCESS_EXCLUSIVE       | public.t | false | false | drops table t: contract only, once no application version uses it
            DROP TABLE a, s."B" CASCADE                                 | ACCESS_EXCLUSIVE       | public.a | false | false | drops table a, s."B" & CASCADE also drops
            DROP VIEW v                                                 | ACCESS_EXCLUSIVE       | public.v | false | false | drops view v: contract only
            DROP TYPE mood CASCADE                                      | NONE                   | -        | false | false | CASCADE also drops
            ALTER TABLE t DROP COLUMN legacy                            | ACCESS_EXCLUSIVE       | public.t | false | false | drops column legacy: contract only, once no application version reads or writes it
            ALTER TABLE t DROP IF EXISTS legacy CASCADE                 | ACCESS_EXCLUSIVE       | public.t | false | false | drops column legacy
            UPDATE t SET state = upper(state)                           | ROW_EXCLUSIVE          | public.t | true  | true  | UNSAFE: UPDATE without WHERE changes every row in one transaction; use a backfill
            UPDATE t SET a = (SELECT max(b) FROM u WHERE u.id = 1)      | ROW_EXCLUSIVE          | public.t | true  | true  | UPDATE without WHERE
            DELETE FROM t                                               | ROW_EXCLUSIVE          | public.t | false | true  | UNSAFE: DELETE without WHERE
            ALTER TABLE t SET LOGGED                                    | ACCESS_EXCLUSIVE       | public.t | true  | true  | UNSAFE: SET LOGGED rewrites the table
            ALTER TABLE t SET UNLOGGED                                  | ACCESS_EXCLUSIVE       | public.t | true  | true  | UNSAFE: SET UNLOGGED rewrites the table
            ALTER TABLE t SET TABLESPACE fast                           | ACCESS_EXCLUSIVE       | public.t | true  | true  | SET TABLESPACE copies the table
            ALTER TABLE t SET ACCESS METHOD heap2                       | ACCESS_EXCLUSIVE       | public.t | true  | true  | SET ACCESS METHOD rewrites
            ALTER TABLE p ATTACH PARTITION s.p1 FOR VALUES IN (1)       | ACCESS_EXCLUSIVE       | public.p | false | true  | UNSAFE: ATTACH PARTITION scans s.p1 under ACCESS EXCLUSIVE unless a validated CHECK constraint matching the partition bound proves it
            ALTER TABLE p DETACH PARTITION p_2020                       | ACCESS_EXCLUSIVE       | public.p | false | false | DETACH PARTITION ... CONCURRENTLY
            CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (1) TO (2)   | ACCESS_EXCLUSIVE       | public.p | false | false | PARTITION OF takes ACCESS EXCLUSIVE on the parent
            ALTER TABLE t RENAME TO t2                                  | ACCESS_EXCLUSIVE       | public.t | false | false | UNSAFE: renames the table in place, breaking the application version that uses the old name
            ALTER TABLE t RENAME COLUMN a TO b                          | ACCESS_EXCLUSIVE       | public.t | false | false | UNSAFE: renames column a in place & use renameColumn
            ALTER TABLE t RENAME a TO b                                 | ACCESS_EXCLUSIVE       | public.t | false | false | renames column a
            ALTER TABLE t SET SCHEMA archive                            | ACCESS_EXCLUSIVE       | public.t | false | false | moves the table to another schema
            ALTER VIEW v RENAME TO w                                    | ACCESS_EXCLUSIVE       | public.v | false | false | renames the view
            ALTER TYPE mood RENAME VALUE 'sad' TO 'blue'                | NONE                   | -        | false | false | renames an enum label
            ALTER DOMAIN posint ADD CONSTRAINT pos CHECK (VALUE > 0)    | SHARE                  | -        | false | true  | ALTER DOMAIN ADD checks every column
            ALTER TABLE t ADD c int, ALTER d SET NOT NULL, ADD CONSTRAINT f FOREIGN KEY (c) REFERENCES u | ACCESS_EXCLUSIVE | public.t | false | true | SET NOT NULL on d & ADD FOREIGN KEY scans
            ALTER TABLE t ALTER COLUMN a TYPE text, ALTER COLUMN b TYPE int, DROP COLUMN c | ACCESS_EXCLUSIVE | public.t | true | true | changes the type of b & drops column c
            ALTER TABLE t ADD CHECK (a > 0), ADD CHECK (b > 0)          | ACCESS_EXCLUSIVE       | public.t | false | true  | UNNAMED & ADD CHECK scans
            ALTER /* x */ TABLE -- y\\n t ADD /* CONSTRAINT c */ CHECK (a > 0) | ACCESS_EXCLUSIVE | public.t | false | true  | UNNAMED & ADD CHECK scans
            -- ... NOT VALID\\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) /* NOT VALID */ | ACCESS_EXCLUSIVE | public.t | false | true | ADD CHECK scans
            ALTER TABLE IF EXISTS ONLY "S"."T" ADD CHECK (a > 0)        | ACCESS_EXCLUSIVE       | S.T      | false | true  | UNNAMED
            DO $$ BEGIN NULL; END $$                                    | ACCESS_EXCLUSIVE       | -        | false | false | DO runs code the linter cannot read
            EXPLAIN ANALYZE DELETE FROM t                               | ACCESS_EXCLUSIVE       | -        | false | false | could not classify this statement; assuming ACCESS EXCLUSIVE
            """)
    void flagged(String sql, LockMode lock, String relation, boolean rewrites, boolean scans, String findings) {
        Finding f = lint(sql);
        List<String> parts = Stream.of(findings.split(" & "))
                .map(p -> p.equals("UNNAMED") ? UNNAMED : p.equals("UNNAMED_INDEX") ? RawSqlLinter.UNNAMED_INDEX : p)
                .toList();
        assertThat(f.risky()).isTrue();
        assertThat(f.finding()).as("finding").containsSubsequence(parts);
        assertThat(f.lock()).as("lock").isEqualTo(lock);
        assertThat(relation(f)).as("relation").isEqualTo(relation);
        assertThat(f.rewrites()).as("rewrites").isEqualTo(rewrites);
        assertThat(f.scans()).as("scans").isEqualTo(scans);
    }

    @Test
    void notValid_dropsTheScanFinding_butNotTheUnnamedOne() {
        assertThat(lint("ALTER TABLE t ADD CHECK (a > 0) NOT VALID").finding()).isEqualTo(UNNAMED);
    }

    @Test
    void severalSubcommands_reportEachFindingOnce() {
        Finding f = lint("ALTER TABLE t ALTER COLUMN a TYPE varchar(50), ALTER COLUMN b TYPE bigint, DROP COLUMN c");
        assertThat(f.finding())
                .isEqualTo("UNSAFE: changes the type of b in place: rewrites the table and its indexes under ACCESS"
                        + " EXCLUSIVE unless the types are binary-compatible; drops column c: contract only, once no"
                        + " application version reads or writes it");
        assertThat(f.note()).startsWith("changing a to varchar(50) is catalog-only if it widens the column");
    }

    @Test
    void label_showsTheFindingThenTheNote() {
        assertThat(lint("ALTER TABLE t VALIDATE CONSTRAINT c").label())
                .isEqualTo("; note: scans without blocking writes");
        assertThat(lint("ALTER TABLE t ADD COLUMN c text").label()).isEmpty();
        assertThat(lint("CREATE INDEX CONCURRENTLY ON t (a)").label())
                .isEqualTo("; lint: " + RawSqlLinter.UNNAMED_INDEX
                        + "; note: builds without blocking writes; may leave an INVALID index on failure");
    }

    @Test
    void unqualifiedNames_resolveInTheDefaultSchema() {
        Finding f = RawSqlLinter.lint(SqlStatement.trusted("ALTER TABLE t ADD COLUMN c text"), Identifier.of("app"));
        assertThat(f.relation()).isNotNull();
        assertThat(f.relation().quoted()).isEqualTo("\"app\".\"t\"");
    }
}
