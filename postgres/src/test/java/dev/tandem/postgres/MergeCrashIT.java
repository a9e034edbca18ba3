package dev.tandem.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.MigrationPlan;
import dev.tandem.plan.TableName;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * {@code mergeColumns} killed before every state write, through the whole lifecycle and through rollback: running the
 * same command again always finishes, with the data where it belongs.
 */
class MergeCrashIT {

    static MigrationPlan plan() {
        return MigrationPlan.named("crash-merge")
                .mergeColumns(TableName.of("parcel_gifts"), List.of("message", "wrap"), TableName.of("parcels"))
                .build();
    }

    static void schema(DataSource ds) throws Exception {
        Db.exec(ds, "CREATE TABLE parcels (id bigserial PRIMARY KEY, label text)");
        Db.exec(ds, "INSERT INTO parcels (label) SELECT 'p' || g FROM generate_series(1, 300) g");
        Db.exec(
                ds,
                "CREATE TABLE parcel_gifts (parcel_id bigint PRIMARY KEY REFERENCES parcels (id), message text NOT NULL,"
                        + " wrap text DEFAULT 'plain')");
        Db.exec(
                ds,
                "INSERT INTO parcel_gifts SELECT id, 'msg ' || id, CASE WHEN id % 2 = 0 THEN 'gold' END FROM parcels"
                        + " WHERE id <= 200");
    }

    @Test
    void fullLifecycle_recoversFromACrashBeforeEveryStateWrite() throws Exception {
        List<CrashInjectionIT.Phases> steps = new ArrayList<>();
        steps.add((m, p, ds) -> m.expand(p));
        steps.add((m, p, ds) -> m.backfill(p));
        steps.add((m, p, ds) -> m.verify(p));
        steps.add((m, p, ds) -> m.contract(p));
        CrashInjectionIT.everyPoint(
                steps,
                ds -> {
                    try {
                        assertThat(PostgresMigrator.create(ds).status(plan()).state())
                                .isEqualTo(PlanState.CONTRACTED);
                        assertThat(Db.columns(ds, "parcel_gifts")).containsExactly("parcel_id");
                        assertThat(
                                        Db.count(
                                                ds,
                                                "SELECT count(*) FROM parcels WHERE message = 'msg ' || id"
                                                        + " AND wrap IS NOT DISTINCT FROM CASE WHEN id % 2 = 0 THEN 'gold' END"))
                                .isEqualTo(200);
                        assertThat(Db.count(
                                        ds, "SELECT count(*) FROM parcels WHERE message IS NULL AND wrap = 'plain'"))
                                .isEqualTo(100);
                        assertThat(Db.triggers(ds, "parcels")).isZero();
                        assertThat(Db.triggers(ds, "parcel_gifts")).isZero();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                plan(),
                MergeCrashIT::schema);
    }

    @Test
    void expandBackfillRollback_recoversFromACrashBeforeEveryStateWrite_andRestoresTheSchema() throws Exception {
        List<String> original;
        try (dev.tandem.testkit.database.TestDatabase db = Db.fresh("crash")) {
            schema(db.dataSource());
            original = OperationsIT.schema(db.dataSource());
        }
        List<CrashInjectionIT.Phases> steps = new ArrayList<>();
        steps.add((m, p, ds) -> m.expand(p));
        steps.add((m, p, ds) -> m.backfill(p));
        steps.add((m, p, ds) -> m.rollback(p));
        CrashInjectionIT.everyPoint(
                steps,
                ds -> {
                    try {
                        assertThat(OperationsIT.schema(ds)).isEqualTo(original);
                        assertThat(Db.count(
                                        ds, "SELECT count(*) FROM pg_proc WHERE pronamespace = 'tandem'::regnamespace"))
                                .isZero();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                plan(),
                MergeCrashIT::schema);
    }
}
