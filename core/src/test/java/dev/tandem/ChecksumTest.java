package dev.tandem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.plan.ColumnType;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.TableName;
import dev.tandem.plan.UnmappedPolicy;
import org.junit.jupiter.api.Test;

class ChecksumTest {

    static MigrationPlan plan(String forward, UnmappedPolicy policy, String description) {
        return MigrationPlan.named("p")
                .description(description)
                .deriveColumns(DeriveColumns.on(TableName.of("t"))
                        .from("a")
                        .into("b", ColumnType.TEXT, SqlExpression.trusted(forward))
                        .backward("a", SqlExpression.trusted("b"))
                        .onUnmapped(policy))
                .build();
    }

    @Test
    void checksum_samePlan_isStableAndIgnoresDescription() {
        assertThat(plan("upper(a)", UnmappedPolicy.RECORD, "one").checksum())
                .isEqualTo(plan("upper(a)", UnmappedPolicy.RECORD, "two").checksum())
                .hasSize(64);
    }

    @Test
    void checksum_pinnedValue_neverChangesAcrossReleases() {
        // A stored plan's checksum must survive Tandem upgrades: this value is persisted in users' databases.
        assertThat(plan("upper(a)", UnmappedPolicy.RECORD, "").canonicalForm()).isEqualTo("""
                        tandem-plan v1
                        id "p"
                        expand "t.a/add-b" add-column -."t" "b" "text"
                        dual-write "t.a/sync" -."t" old ("a") forward ("b"="upper(a)") backward ("a"="b") when - unmapped RECORD
                        backfill "t.a/backfill" rule "t.a/sync"
                        """);
    }

    @Test
    void checksum_changedExpressionOrPolicy_differs() {
        String base = plan("upper(a)", UnmappedPolicy.RECORD, "").checksum();
        assertThat(plan("lower(a)", UnmappedPolicy.RECORD, "").checksum()).isNotEqualTo(base);
        assertThat(plan("upper(a)", UnmappedPolicy.REJECT, "").checksum()).isNotEqualTo(base);
    }
}
