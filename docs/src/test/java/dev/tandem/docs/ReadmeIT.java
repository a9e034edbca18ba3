package dev.tandem.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.DeriveColumns;
import dev.tandem.MigrationPlan;
import dev.tandem.plan.ColumnType;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.PlanState;
import dev.tandem.postgres.PlanStatus;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The repository README's first plan (its Java block is the region {@code readme} of this test), run end to end while
 * both application versions write, each only when the plan's status says it may run.
 */
class ReadmeIT {
    private static final Logger log = LoggerFactory.getLogger(ReadmeIT.class);

    TestDatabase db;
    DataSource dataSource;

    @BeforeEach
    void setUp() throws Exception {
        db = DocsDatabase.create("readme");
        dataSource = db.dataSource();
        DocsDatabase.run(dataSource, "customers.sql", "schema");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void firstPlan_bothVersionsWritingWhenTheyMay_endsContracted() throws Exception {
        // tag::readme[]
        DeriveColumns split = DeriveColumns.on(TableName.of("customers"))
                .from("address")
                .into(
                        "street_address",
                        ColumnType.varchar(255),
                        SqlExpression.trusted("trim(split_part(address, ',', 1))"))
                .into("city", ColumnType.varchar(100), SqlExpression.trusted("trim(split_part(address, ',', 2))"))
                .into("state", ColumnType.varchar(2), SqlExpression.trusted("trim(split_part(address, ',', 3))"))
                .into("zip_code", ColumnType.varchar(10), SqlExpression.trusted("trim(split_part(address, ',', 4))"))
                // NULL, not '', when the new version clears every part (concat_ws skips NULLs)
                .backward(
                        "address",
                        SqlExpression.trusted("CASE WHEN num_nonnulls(street_address, city, state, zip_code) = 0"
                                + " THEN NULL ELSE concat_ws(', ', street_address, city, state, zip_code) END"))
                .mappableWhen(SqlExpression.trusted("address ~ '^[^,]+,[^,]+,[^,]+,[^,]+$'"));
        MigrationPlan plan = MigrationPlan.named("customers-address-split")
                .description("Split customers.address into structured columns")
                .deriveColumns(split)
                .dropColumn(TableName.of("customers"), "address")
                .build();

        PostgresMigrator migrator = PostgresMigrator.create(dataSource);
        log.info("{}", migrator.explain(plan)); // every statement of every phase, with its lock; runs nothing
        migrator.expand(plan); // new columns + a sync trigger: v1 keeps working and needs no dual-write code
        // end::readme[]
        PlanStatus expanded = migrator.status(plan);
        assertThat(expanded.oldVersionMayRun()).isTrue();
        assertThat(expanded.newVersionMayRun()).isFalse();
        DocsDatabase.run(dataSource, "customers.sql", "v1-writes");
        assertThat(newColumns("ada@example.com")).isEqualTo("12 Analytical Way|Boston|MA|02101");

        // tag::readme[]
        migrator.backfill(plan); // short batches on key ranges, resumable; v1 keeps writing
        boolean v2MayStart = migrator.status(plan).newVersionMayRun(); // true from BACKFILLED on: deploy v2 now
        // end::readme[]
        assertThat(v2MayStart).isTrue();
        assertThat(migrator.status(plan).oldVersionMayRun()).isTrue();
        DocsDatabase.run(dataSource, "customers.sql", "v2-writes");
        assertThat(address("grace@example.com")).isEqualTo("1 Navy Yard, Arlington, VA, 22202");
        assertThat(address("john@example.com")).isEqualTo("123 Main St, Brooklyn, NY, 10001");
        // v2 clears an address: v1 reads NULL, as it would have written it, not ''
        execute("UPDATE customers SET street_address = NULL, city = NULL, state = NULL, zip_code = NULL"
                + " WHERE email = 'bob@example.com'");
        assertThat(address("bob@example.com")).isNull();

        // tag::readme[]
        migrator.verify(plan); // every row consistent? any value that could not be mapped?
        migrator.contract(plan); // once v1 is gone: verifies again, refused unless all is consistent; drops address
        // or, any time before contract: migrator.rollback(plan);
        // end::readme[]
        PlanStatus contracted = migrator.status(plan);
        assertThat(contracted.state()).isEqualTo(PlanState.CONTRACTED);
        assertThat(contracted.oldVersionMayRun()).isFalse();
        assertThat(contracted.newVersionMayRun()).isTrue();
        assertThat(newColumns("ada@example.com")).isEqualTo("12 Analytical Way|Boston|MA|02101");
    }

    String address(String email) throws SQLException {
        return query("SELECT address FROM customers WHERE email = '" + email + "'");
    }

    String newColumns(String email) throws SQLException {
        return query("SELECT concat_ws('|', street_address, city, state, zip_code) FROM customers WHERE email = '"
                + email + "'");
    }

    void execute(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    String query(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
