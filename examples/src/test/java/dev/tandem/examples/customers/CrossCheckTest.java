package dev.tandem.examples.customers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CrossCheckTest {

    @Test
    void check_disabled_doesNotRun() {
        CrossCheck check = new CrossCheck();

        check.check("x", "a", () -> {
            throw new AssertionError("must not run");
        });

        assertThat(check.stats().checks()).isZero();
    }

    @Test
    void check_enabled_countsMismatches() {
        CrossCheck check = new CrossCheck();
        check.enable();

        check.check("same", "a", () -> "a");
        check.check("other", "a", () -> "b");

        assertThat(check.stats().checks()).isEqualTo(2);
        assertThat(check.stats().mismatches()).isEqualTo(1);
        assertThat(check.stats().samples()).containsExactly("other: expected a but read b");
    }

    @Test
    void check_afterDisable_doesNotRun() {
        CrossCheck check = new CrossCheck();
        check.enable();
        check.disable();

        check.check("x", "a", () -> "b");

        assertThat(check.stats().checks()).isZero();
    }
}
