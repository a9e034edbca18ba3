package dev.tandem.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.postgres.PlanState;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayMigrationInitializer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tandem after Flyway: Flyway's migration creates the table the plan changes, so the expand works only if it runs
 * after Flyway's; and a bean that depends on database initialization sees the expanded schema.
 */
class FlywayIT {

    /** Records the columns of {@code parcels} when it is created, as a repository reading the schema would. */
    static final class SchemaReader {
        final List<String> columnsAtCreation;

        SchemaReader(DataSource dataSource) throws SQLException {
            List<String> columns = new ArrayList<>();
            try (Connection c = dataSource.getConnection();
                    ResultSet rs = c.getMetaData().getColumns(null, "public", "parcels", null)) {
                while (rs.next()) {
                    columns.add(rs.getString("COLUMN_NAME"));
                }
            }
            this.columnsAtCreation = List.copyOf(columns);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ReaderConfiguration {
        @Bean
        @DependsOnDatabaseInitialization
        SchemaReader schemaReader(DataSource dataSource) throws SQLException {
            return new SchemaReader(dataSource);
        }
    }

    @Test
    void startup_flywayCreatesTheTable_tandemExpandsItAfterwards() throws Exception {
        try (TestDatabase db = Db.fresh()) {
            // Tandem listed first: the ordering comes from the auto-configurations and the initializer detectors
            Db.runner(db, FlywayAutoConfiguration.class)
                    .withUserConfiguration(ReaderConfiguration.class)
                    .run(context -> {
                        assertThat(context).hasNotFailed().hasSingleBean(FlywayMigrationInitializer.class);
                        assertThat(context.getBeanFactory()
                                        .getBeanDefinition("tandemMigrationInitializer")
                                        .getDependsOn())
                                .contains("flywayInitializer");
                        assertThat(context.getBean(PostgresMigrator.class)
                                        .status(TestPlans.WEIGHT_KG)
                                        .state())
                                .isEqualTo(PlanState.EXPANDED);
                        assertThat(context.getBean(SchemaReader.class).columnsAtCreation)
                                .containsExactly("id", "weight_grams", "weight_kg");
                    });
            assertThat(Db.strings(
                            db, "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank"))
                    .containsExactly("1");
            // the rows Flyway's migration inserted are synced by the trigger from now on, and backfilled later
            assertThat(Db.count(db, "SELECT count(*) FROM parcels")).isEqualTo(100);
        }
    }
}
