package dev.tandem.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class ErrorsTest {
    @Test
    void describe_sqlException_stateAndMessageOnOneLine() {
        SQLException e = new SQLException("ERROR: column \"address\" does not exist\n  Position: 8", "42703");

        assertThat(Errors.describe(e))
                .isEqualTo("SQLState 42703: ERROR: column \"address\" does not exist Position: 8");
    }

    @Test
    void describe_wrappedSqlException_namesWrapperAndState() {
        RuntimeException e = new IllegalStateException("repository failed", new SQLException("boom", "23505"));

        assertThat(Errors.describe(e))
                .isEqualTo("java.lang.IllegalStateException: repository failed (SQLState 23505: boom)");
    }

    @Test
    void describe_assertionError_keepsItsMessage() {
        assertThat(Errors.describe(new AssertionError("expected 2 rows"))).isEqualTo("AssertionError: expected 2 rows");
    }
}
