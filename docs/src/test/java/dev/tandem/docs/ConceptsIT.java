package dev.tandem.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.MigrationPlan;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.postgres.PostgresOptions;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The samples of concepts.md that read Tandem's state tables after a real run. */
class ConceptsIT {

    static final String PAGE = "concepts.md";

    TestDatabase db;
    DataSource dataSource;

    @BeforeEach
    void setUp() throws Exception {
        db = DocsDatabase.create("concepts");
        dataSource = db.dataSource();
        DocsDatabase.run(dataSource, "customers.sql", "schema");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void stateTables_afterExpandBackfillVerify_describeTheRun() throws Exception {
        MigrationPlan plan = GettingStartedIT.addressSplit();
        PostgresMigrator migrator =
                PostgresMigrator.create(dataSource, PostgresOptions.defaults().withBatchSizes(100, 100, 100));
        // two addresses the plan cannot split: one fails mappableWhen, one does not fit varchar(2)
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE customers SET address = ? WHERE id = ?")) {
            ps.setString(1, "1 A St, Town, 90001");
            ps.setInt(2, 4);
            ps.executeUpdate();
            ps.setString(1, "1 A St, Town, California, 90001");
            ps.setInt(2, 5);
            ps.executeUpdate();
        }
        migrator.expand(plan);
        migrator.backfill(plan);
        assertThat(migrator.verify(plan).unmappedRows()).isEqualTo(2);

        DocOutputs.check(PAGE, "plans", DocsDatabase.query(dataSource, "state.sql", "plans"));
        DocOutputs.check(PAGE, "events", DocsDatabase.query(dataSource, "state.sql", "events"));
        DocOutputs.check(PAGE, "backfills", DocsDatabase.query(dataSource, "state.sql", "backfills"));
        DocOutputs.check(PAGE, "unmapped", DocsDatabase.query(dataSource, "state.sql", "unmapped"));
    }

    /** A partial new-side write before the backfill: the row is mapped forward first, the writer's change wins. */
    @Test
    void partialNewSideUpdateBeforeBackfill_keepsTheRestOfTheOldValue() throws Exception {
        MigrationPlan plan = GettingStartedIT.addressSplit();
        PostgresMigrator migrator = PostgresMigrator.create(dataSource);
        migrator.expand(plan);

        DocsDatabase.run(dataSource, "state.sql", "limitation-update");

        DocOutputs.check(PAGE, "limitation", DocsDatabase.query(dataSource, "state.sql", "limitation"));
        migrator.backfill(plan);
        assertThat(migrator.verify(plan).contractable()).isTrue();
    }
}
