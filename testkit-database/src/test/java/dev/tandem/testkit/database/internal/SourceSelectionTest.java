package dev.tandem.testkit.database.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.testkit.database.PostgresSource;
import dev.tandem.testkit.database.PostgresUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SourceSelectionTest {
    @ParameterizedTest(name = "{0}, url configured {1} -> {2}")
    @CsvSource({
        "AUTO, true, EXTERNAL",
        "AUTO, false, EMBEDDED",
        "EXTERNAL, true, EXTERNAL",
        "EMBEDDED, true, EMBEDDED",
        "EMBEDDED, false, EMBEDDED",
        "TESTCONTAINERS, true, TESTCONTAINERS",
        "TESTCONTAINERS, false, TESTCONTAINERS",
    })
    void select_requestedSourceAndUrl_decides(
            PostgresSource requested, boolean urlConfigured, PostgresSource expected) {
        assertThat(SourceSelection.select(requested, urlConfigured)).isEqualTo(expected);
    }

    @Test
    void select_externalWithoutUrl_failsSayingWhatToSet() {
        assertThatThrownBy(() -> SourceSelection.select(PostgresSource.EXTERNAL, false))
                .isInstanceOf(PostgresUnavailableException.class)
                .hasMessage("PostgreSQL source 'external' was asked for via tandem.postgres.source, but no JDBC URL is"
                        + " set. Set TANDEM_TEST_JDBC_URL (or the system property tandem.test.jdbc.url) to the"
                        + " server's URL, or set tandem.postgres.source=embedded (or unset it) to use embedded"
                        + " PostgreSQL.");
    }

    @Test
    void effectiveSource_autoNeverPicksTestcontainers() {
        assertThat(SourceSelection.effectiveSource(PostgresSource.AUTO, false)).isEqualTo(PostgresSource.EMBEDDED);
        assertThat(SourceSelection.effectiveSource(PostgresSource.AUTO, true)).isEqualTo(PostgresSource.EXTERNAL);
    }

    @ParameterizedTest(name = "{0}, url configured {1} -> ignored {2}")
    @CsvSource({
        "AUTO, true, false",
        "EXTERNAL, true, false",
        "EMBEDDED, true, true",
        "TESTCONTAINERS, true, true",
        "EMBEDDED, false, false",
    })
    void ignoresJdbcUrl_explicitOtherSource_true(PostgresSource requested, boolean urlConfigured, boolean ignored) {
        assertThat(SourceSelection.ignoresJdbcUrl(requested, urlConfigured)).isEqualTo(ignored);
    }
}
