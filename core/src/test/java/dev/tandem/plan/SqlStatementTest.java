package dev.tandem.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SqlStatementTest {

    static Stream<Arguments> requiresNoTransaction() {
        return Stream.of(
                arguments("CREATE INDEX CONCURRENTLY i ON t (a)", true),
                arguments("create unique index concurrently if not exists i on t (a)", true),
                arguments("/* build it */ CREATE\nINDEX -- online\n CONCURRENTLY i ON t (a)", true),
                arguments("DROP INDEX CONCURRENTLY IF EXISTS i", true),
                arguments("REINDEX INDEX CONCURRENTLY i", true),
                arguments("REINDEX TABLE CONCURRENTLY t", true),
                arguments("REINDEX (CONCURRENTLY) TABLE t", true),
                arguments("REINDEX (VERBOSE, CONCURRENTLY true) INDEX i", true),
                arguments("REINDEX SCHEMA s", true),
                arguments("REINDEX DATABASE", true),
                arguments("REINDEX SYSTEM", true),
                arguments("ALTER TABLE p DETACH PARTITION p_2020 CONCURRENTLY", true),
                arguments("VACUUM", true),
                arguments("vacuum full t", true),
                arguments("VACUUM (ANALYZE) t", true),
                arguments("CLUSTER", true),
                arguments("CLUSTER VERBOSE", true),
                arguments("CREATE DATABASE d", true),
                arguments("DROP DATABASE d", true),
                arguments("ALTER DATABASE d SET TABLESPACE fast", true),
                arguments("CREATE TABLESPACE fast LOCATION '/srv'", true),
                arguments("ALTER SYSTEM SET work_mem = '64MB'", true),
                arguments("ALTER SUBSCRIPTION s REFRESH PUBLICATION", true),
                arguments("COMMIT PREPARED 'x'", true),
                arguments("DISCARD ALL", true),
                // what only mentions the word
                arguments("COMMENT ON TABLE t IS 'built concurrently'", false),
                arguments("COMMENT ON INDEX i IS 'CREATE INDEX CONCURRENTLY'", false),
                arguments("-- CREATE INDEX CONCURRENTLY\nCREATE INDEX i ON t (a)", false),
                arguments("CREATE INDEX i ON t (a) /* CONCURRENTLY */", false),
                arguments("CREATE INDEX \"concurrently\" ON t (a)", false),
                arguments("UPDATE t SET note = 'vacuum concurrently' WHERE id = 1", false),
                arguments("SELECT 'VACUUM'", false),
                arguments("DO $$ BEGIN EXECUTE 'VACUUM'; END $$", false),
                arguments("CREATE TABLE concurrently_log (id int)", false),
                arguments("ALTER TABLE t ADD COLUMN concurrently int", false),
                // what may run in a transaction
                arguments("REFRESH MATERIALIZED VIEW CONCURRENTLY mv", false),
                arguments("REINDEX (CONCURRENTLY false) TABLE t", false),
                arguments("REINDEX TABLE t", false),
                arguments("ALTER TABLE p DETACH PARTITION p_2020", false),
                arguments("ALTER TABLE p DETACH PARTITION p_2020 FINALIZE", false),
                arguments("ANALYZE t", false),
                arguments("CLUSTER t USING t_pkey", false),
                arguments("ALTER DATABASE d SET work_mem = '64MB'", false),
                arguments("CREATE INDEX i ON t (a)", false));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource
    void requiresNoTransaction(String sql, boolean expected) {
        assertThat(SqlStatement.trusted(sql).requiresNoTransaction()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END",
                "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2))",
                "SELECT 1 /* a; /* nested; */ still a comment; */",
                "SELECT E'it\\'s; fine'",
                "SELECT 1;"
            })
    void semicolonsThatEndNoStatement_accepted(String sql) {
        assertThat(SqlStatement.trusted(sql).sql()).doesNotEndWith(";");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1; SELECT 2", "SELECT 1; -- and more", "DO $$ BEGIN END $$; VACUUM"})
    void twoStatements_rejected(String sql) {
        assertThatThrownBy(() -> SqlStatement.trusted(sql))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("SQL statement must be a single statement without ';'");
    }

    @Test
    void expression_semicolonInsideParentheses_rejected() {
        assertThatThrownBy(() -> SqlExpression.trusted("(SELECT 1; SELECT 2)"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("SQL expression must be a single expression without ';'");
    }

    @Test
    void expression_nestedCommentHidesItsSemicolon() {
        String sql = "a /* x /* y */ ; */ || ';'";
        assertThat(SqlExpression.trusted(sql).sql()).isEqualTo(sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {"'abc", "E'abc\\'", "/* a /* b */", "$x$ abc"})
    void unterminated_rejectedWithWhatIsOpen(String sql) {
        assertThatThrownBy(() -> SqlExpression.trusted(sql))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("SQL expression has an unterminated ")
                .hasMessageEndingWith(": " + sql);
    }
}
