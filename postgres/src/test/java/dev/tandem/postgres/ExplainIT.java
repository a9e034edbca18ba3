package dev.tandem.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.MigrationPlan;
import dev.tandem.postgres.ExplainedStatement.Section;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** explain prints every statement of every phase with its lock mode, runs nothing, and matches what runs. */
class ExplainIT {

    TestDatabase db;
    DataSource ds;
    final MigrationPlan plan = Plans.addressPlan();

    @BeforeEach
    void setUp() throws Exception {
        db = Db.fresh("explain");
        ds = db.dataSource();
        Db.customers(ds, 100);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void explain_listsEveryPhaseWithLocks_andRunsNothing() throws Exception {
        PlanExplanation explanation = PostgresMigrator.create(ds).explain(plan);

        assertThat(explanation.statements())
                .extracting(ExplainedStatement::section)
                .contains(Section.EXPAND, Section.BACKFILL, Section.VERIFY, Section.CONTRACT, Section.ROLLBACK);
        assertThat(explanation.statements())
                .allSatisfy(s -> assertThat(s.lockMode()).isNotNull());
        String text = explanation.toString();
        assertThat(text)
                .contains("== EXPAND ==", "== BACKFILL ==", "== VERIFY ==", "== CONTRACT ==", "== ROLLBACK ==")
                .contains("-- customers.address/add-street_address: ACCESS EXCLUSIVE on \"public\".\"customers\"")
                .contains("-- customers.address/sync: SHARE ROW EXCLUSIVE on \"public\".\"customers\"")
                .contains("ALTER TABLE \"public\".\"customers\" DROP COLUMN IF EXISTS \"address\";");
        // nothing ran: no state schema, no new column, no trigger
        assertThat(Db.schemaExists(ds, "tandem")).isFalse();
        assertThat(Db.columns(ds, "customers")).doesNotContain("street_address");
        assertThat(Db.triggers(ds, "customers")).isZero();
    }

    @Test
    void explain_expandAndContractStatements_areExactlyWhatTheExecutorRuns() throws Exception {
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        ExecutionListener recorder = new ExecutionListener() {
            @Override
            public void beforeCommit(Unit unit, Connection connection) throws SQLException {
                ran.addAll(unit.statements());
            }
        };
        PostgresMigrator migrator =
                PostgresMigrator.create(ds, PostgresOptions.defaults().withListener(recorder));
        PlanExplanation explanation = migrator.explain(plan);
        migrator.runTo(plan, PlanState.CONTRACTED);

        List<String> explained = explanation.statements().stream()
                .filter(s -> s.section() == Section.EXPAND || s.section() == Section.CONTRACT)
                .map(ExplainedStatement::sql)
                .toList();
        assertThat(ran).containsExactlyElementsOf(explained);
    }
}
