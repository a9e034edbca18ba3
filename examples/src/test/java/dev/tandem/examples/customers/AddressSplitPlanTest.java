package dev.tandem.examples.customers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.MigrationPlan;
import dev.tandem.plan.Phase;
import dev.tandem.plan.UnmappedPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressSplitPlanTest {

    /** The tutorial's addresses that its migration handled (seed-app.md A3), as far as the plan maps them. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "123 Main St, New York, NY, 10001",
                "1 A St, Town, CA   , 90001",
                "  1 A St  ,  Town  ,  CA  ,  90001  ",
                "1 A St, Town, CA, 90001-1234",
                "🏠 1 丁目, Tokyo, TK, 10000",
            })
    void isMappable_fourGoodParts_true(String address) {
        assertThat(AddressSplitPlan.isMappable(address)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                ",,,",
                "1 A St",
                "1 A St, Town",
                "1 A St, Town, 90001",
                "123 Main St, Apt 4, Springfield, IL, 62701",
                "1 A St, Town, California, 90001",
                "1 A St, Town, CA, 90001-1234 US",
                "1 A St, Town, CA, 90001, USA",
                "1 A St, Town,\tCA, 90001",
                "1 A St, Town, \u00A0CA, 90001",
                "1 A St\nTown, CA, 90001",
                "1 A St，Town，CA，90001",
                "None, None, None, None",
                "1 A St, Town, ca, 90001",
                "1 A St,  , CA, 90001",
            })
    void isMappable_tutorialsBadAddresses_false(String address) {
        assertThat(AddressSplitPlan.isMappable(address)).isFalse();
    }

    @Test
    void isMappable_null_true() {
        assertThat(AddressSplitPlan.isMappable(null)).isTrue();
    }

    @Test
    void isMappable_partLengthsInCharacters_likePostgres() {
        String street255 = "ü".repeat(255);

        assertThat(AddressSplitPlan.isMappable(street255 + ", Town, CA, 90001")).isTrue();
        assertThat(AddressSplitPlan.isMappable(street255 + "x, Town, CA, 90001"))
                .isFalse();
        assertThat(AddressSplitPlan.isMappable("1 A St, " + "c".repeat(101) + ", CA, 90001"))
                .isFalse();
    }

    @Test
    void trimSpaces_onlySpaces_likePostgresTrim() {
        assertThat(AddressSplitPlan.trimSpaces("  a b  ")).isEqualTo("a b");
        assertThat(AddressSplitPlan.trimSpaces("\ta\u00A0")).isEqualTo("\ta\u00A0");
        assertThat(AddressSplitPlan.trimSpaces("   ")).isEmpty();
    }

    @Test
    void plan_build_hasEveryPhase() {
        MigrationPlan plan = AddressSplitPlan.plan();

        assertThat(plan.id()).isEqualTo("customers-address-split");
        assertThat(plan.steps(Phase.EXPAND)).isNotEmpty();
        assertThat(plan.backfills()).hasSize(1);
        assertThat(plan.dualWrites()).hasSize(1);
        assertThat(plan.steps(Phase.CONTRACT)).isNotEmpty();
    }

    @Test
    void split_forwardExpressions_trimEveryPart() {
        assertThat(AddressSplitPlan.split().targets())
                .extracting(t -> t.column().value() + " = " + t.forward().sql())
                .containsExactly(
                        "street_address = trim(split_part(address, ',', 1))",
                        "city = trim(split_part(address, ',', 2))",
                        "state = trim(split_part(address, ',', 3))",
                        "zip_code = trim(split_part(address, ',', 4))");
        assertThat(AddressSplitPlan.split().unmappedPolicy()).isEqualTo(UnmappedPolicy.RECORD);
    }
}
