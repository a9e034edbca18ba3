package dev.tandem.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.ErrorCode;
import dev.tandem.MigrationPlan;
import dev.tandem.PlanCatalog;
import dev.tandem.PlanStateException;
import dev.tandem.plan.ColumnType;
import dev.tandem.plan.TableName;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a deployment pipeline relies on: the status of a whole catalog (also before Tandem ever ran), expanding what is
 * pending, the old-version guard before contract, and the versioned state tables.
 */
class DeploymentIT {

    TestDatabase db;
    DataSource ds;
    final MigrationPlan address = Plans.addressPlan();
    final MigrationPlan loyalty = MigrationPlan.named("customers-loyalty")
            .addColumn(TableName.of("customers"), "loyalty_points", ColumnType.of("integer"))
            .build();
    final PlanCatalog catalog = PlanCatalog.of(loyalty, address);

    @BeforeEach
    void setUp() throws Exception {
        db = Db.fresh("deploy");
        ds = db.dataSource();
        Db.customers(ds, 500);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void catalogStatus_onADatabaseWhereTandemNeverRan_isAllPending_andCreatesNothing() throws Exception {
        CatalogStatus status = PostgresMigrator.create(ds).status(catalog);

        assertThat(status.stateSchemaVersion()).isZero();
        assertThat(status.plans())
                .extracting(CatalogStatus.PlanEntry::planId)
                .containsExactly("customers-address-split", "customers-loyalty"); // ordered by id
        assertThat(status.plans()).allSatisfy(p -> {
            assertThat(p.state()).isEqualTo(PlanState.PENDING);
            assertThat(p.checksumChanged()).isFalse();
        });
        assertThat(status.pendingExpand()).hasSize(2);
        assertThat(status.notInCatalog()).isEmpty();
        assertThat(Db.schemaExists(ds, "tandem")).isFalse();
    }

    @Test
    void expandPending_expandsEachPlanOnce_thenStatusSaysWhatWaits() {
        PostgresMigrator migrator = PostgresMigrator.create(ds);

        assertThat(migrator.expandPending(catalog))
                .extracting(PlanStatus::state)
                .containsExactly(PlanState.EXPANDED, PlanState.EXPANDED);
        assertThat(migrator.expandPending(catalog)).isEmpty(); // nothing pending any more

        migrator.backfill(address);
        CatalogStatus status = migrator.status(catalog);
        assertThat(status.stateSchemaVersion()).isEqualTo(2);
        assertThat(status.pendingExpand()).isEmpty();
        assertThat(status.pendingBackfill())
                .extracting(CatalogStatus.PlanEntry::planId)
                .containsExactly("customers-loyalty");
        assertThat(status.readyForNewVersion())
                .extracting(CatalogStatus.PlanEntry::planId)
                .containsExactly("customers-address-split");
        assertThat(status.awaitingContract())
                .extracting(CatalogStatus.PlanEntry::planId)
                .containsExactly("customers-address-split");
    }

    @Test
    void aContractedPlanRemovedFromTheCode_isReported_notAnError_butAnInFlightOneIsOrphaned() {
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        migrator.runTo(loyalty, PlanState.CONTRACTED);
        migrator.expand(address);

        CatalogStatus withoutLoyalty = migrator.status(PlanCatalog.of(address));
        assertThat(withoutLoyalty.notInCatalog())
                .extracting(PlanStatus::planId, PlanStatus::state)
                .containsExactly(org.assertj.core.api.Assertions.tuple("customers-loyalty", PlanState.CONTRACTED));
        assertThat(withoutLoyalty.orphaned()).isEmpty();

        CatalogStatus withoutAddress = migrator.status(PlanCatalog.of(loyalty));
        assertThat(withoutAddress.orphaned()).extracting(PlanStatus::planId).containsExactly("customers-address-split");
    }

    @Test
    void aPlanChangedWhileInFlight_isFlaggedByStatus_andRefusedByEveryPhase() {
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        migrator.expand(loyalty);
        MigrationPlan changed = MigrationPlan.named("customers-loyalty")
                .addColumn(TableName.of("customers"), "loyalty_points", ColumnType.of("bigint"))
                .build();

        CatalogStatus status = migrator.status(PlanCatalog.of(changed));
        assertThat(status.checksumChanged())
                .extracting(CatalogStatus.PlanEntry::planId)
                .containsExactly("customers-loyalty");
        assertThat(migrator.expandPending(PlanCatalog.of(changed))).isEmpty(); // EXPANDED: nothing pending
        assertThatThrownBy(() -> migrator.backfill(changed))
                .isInstanceOfSatisfying(
                        PlanStateException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CHECKSUM_CHANGED));
    }

    @Test
    void contract_whileAnOldVersionSessionIsConnected_isRefusedNamingIt_andRunsOnceItIsGone() throws Exception {
        PostgresMigrator migrator = PostgresMigrator.create(
                ds, PostgresOptions.defaults().withOldVersionGuard(OldVersionGuard.applicationName("shop-v1%")));
        migrator.runTo(address, PlanState.VERIFIED);

        try (var oldVersion = db.newDataSource(1, "shop-v1.4.2");
                Connection held = oldVersion.getConnection()) {
            int pid;
            try (Statement s = held.createStatement();
                    var rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            assertThat(migrator.oldVersionSessions()).singleElement().satisfies(s -> {
                assertThat(s.pid()).isEqualTo(pid);
                assertThat(s.applicationName()).isEqualTo("shop-v1.4.2");
            });
            assertThat(migrator.status(PlanCatalog.of(address)).oldVersionSessions())
                    .hasSize(1);
            assertThatThrownBy(() -> migrator.contract(address))
                    .isInstanceOfSatisfying(
                            PlanStateException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.OLD_VERSION_CONNECTED))
                    .hasMessageContaining("1 session of the old version is still connected"
                            + " (application_name LIKE 'shop-v1%'): pid " + pid + " (application_name 'shop-v1.4.2'")
                    .hasMessageEndingWith("Nothing was changed. [TANDEM-0430]");
            assertThat(migrator.status(address).state()).isEqualTo(PlanState.VERIFIED);
            assertThat(Db.columns(ds, "customers")).contains("address");
            // a session of another application does not count
            try (var other = db.newDataSource(1, "shop-v2.0.0");
                    Connection c = other.getConnection()) {
                assertThat(c.isValid(1)).isTrue();
                assertThat(migrator.oldVersionSessions()).hasSize(1);
            }
        }
        // a closed connection's backend leaves pg_stat_activity a moment after the client lets go
        long until = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (!migrator.oldVersionSessions().isEmpty() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(migrator.oldVersionSessions()).isEmpty();
        assertThat(migrator.contract(address).state()).isEqualTo(PlanState.CONTRACTED);
    }

    @Test
    void forceContract_skipsTheGuard_andTheRoleGuardMatchesByRole() throws Exception {
        PostgresMigrator migrator = PostgresMigrator.create(
                ds,
                PostgresOptions.defaults()
                        .withOldVersionGuard(OldVersionGuard.role(db.user()).orApplicationName("never-%")));
        migrator.runTo(address, PlanState.VERIFIED);
        try (var oldVersion = db.newDataSource(1, "anything");
                Connection held = oldVersion.getConnection()) {
            assertThat(held.isValid(1)).isTrue();
            assertThatThrownBy(() -> migrator.contract(address))
                    .hasMessageContaining("(application_name LIKE 'never-%' or role " + db.user() + ")");
            assertThat(migrator.forceContract(address, "the v1 report job reads no customers")
                            .state())
                    .isEqualTo(PlanState.CONTRACTED);
        }
    }

    @Test
    void oldVersionGuard_refusesPatternsThatMatchEverything() {
        assertThatThrownBy(() -> OldVersionGuard.applicationName("%"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("would match every session");
        assertThatThrownBy(() -> OldVersionGuard.role(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stateTablesOfAnEarlierRelease_areUpgraded_andThePlanGoesOn() throws Exception {
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        migrator.expand(address);
        // what a release before versioning left: the same tables, no schema_version
        Db.exec(ds, "DROP TABLE tandem.schema_version");
        assertThat(migrator.status(catalog).stateSchemaVersion()).isEqualTo(1);

        assertThat(migrator.backfill(address).rowsFilled()).isEqualTo(500);
        assertThat(migrator.status(catalog).stateSchemaVersion()).isEqualTo(2);
        migrator.expand(loyalty);
        assertThat(Db.strings(ds, "SELECT version || ' ' || tandem_version FROM tandem.schema_version"))
                .containsExactly("2 development");
        assertThat(migrator.contract(address).state()).isEqualTo(PlanState.CONTRACTED);
    }

    @Test
    void stateTablesOfANewerRelease_areRefusedByEveryPhaseAndStatus_andNothingChanges() throws Exception {
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        migrator.expand(address);
        Db.exec(ds, "INSERT INTO tandem.schema_version (version, tandem_version) VALUES (3, '9.9.9')");
        List<String> before = Db.columns(ds, "customers");

        for (Runnable phase : List.<Runnable>of(
                () -> {
                    var unused = migrator.status(address);
                },
                () -> {
                    var unused = migrator.status(catalog);
                },
                () -> migrator.expand(loyalty),
                () -> migrator.backfill(address),
                () -> migrator.rollback(address))) {
            assertThatThrownBy(phase::run)
                    .isInstanceOfSatisfying(
                            PlanStateException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STATE_SCHEMA_NEWER))
                    .hasMessageContaining("at layout version 3, written by a newer Tandem release; this one knows"
                            + " layouts up to 2");
        }
        assertThat(Db.columns(ds, "customers")).isEqualTo(before);
        assertThat(Db.count(ds, "SELECT count(*) FROM tandem.plans WHERE plan_id = 'customers-loyalty'"))
                .isZero();
    }
}
