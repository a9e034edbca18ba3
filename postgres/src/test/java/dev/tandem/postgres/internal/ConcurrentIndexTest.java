package dev.tandem.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConcurrentIndexTest {

    private static RenderedStatement statement(String sql) {
        return RenderedStatement.of(
                sql.replace("\\n", "\n"), LockMode.SHARE_UPDATE_EXCLUSIVE, TableName.of("public", "t"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # sql                                                         | index the runner watches ("-" for none)
            CREATE INDEX CONCURRENTLY t_a_idx ON t (a)                    | t_a_idx
            create unique index concurrently if not exists "A b" on t (a) | A b
            -- rebuilt online\\nCREATE /* x */ INDEX CONCURRENTLY T_Idx ON t (a) | t_idx
            CREATE INDEX CONCURRENTLY ON t (a)                            | -
            CREATE INDEX t_a_idx ON t (a)                                 | -
            COMMENT ON INDEX i IS 'CREATE INDEX CONCURRENTLY i ON t (a)'  | -
            """)
    void of_findsTheIndexNameOnTokens(String sql, String expected) {
        Optional<ConcurrentIndex> index = ConcurrentIndex.of(statement(sql));
        assertThat(index.map(i -> i.name().value()).orElse("-")).isEqualTo(expected);
        index.ifPresent(i -> assertThat(i.schema().value()).isEqualTo("public"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            REINDEX INDEX CONCURRENTLY i                  | true
            REINDEX (CONCURRENTLY) TABLE t                | true
            /* nightly */ REINDEX (VERBOSE) TABLE CONCURRENTLY t | true
            REINDEX (CONCURRENTLY false) TABLE t          | false
            REINDEX TABLE t                               | false
            REINDEX SCHEMA CONCURRENTLY s                 | false
            SELECT 'REINDEX TABLE CONCURRENTLY t'         | false
            """)
    void isConcurrentReindex_readsTokensAndOptions(String sql, boolean expected) {
        assertThat(ConcurrentIndex.isConcurrentReindex(statement(sql))).isEqualTo(expected);
    }
}
