package dev.tandem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.plan.ColumnType;
import dev.tandem.plan.TableName;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanCatalogTest {

    static MigrationPlan plan(String id) {
        return plan(id, "integer");
    }

    static MigrationPlan plan(String id, String type) {
        return MigrationPlan.named(id)
                .addColumn(TableName.of("t"), "c", ColumnType.of(type))
                .build();
    }

    /** Listed in this module's test resources, META-INF/services/dev.tandem.PlanProvider. */
    public static final class TestPlans implements PlanProvider {
        @Override
        public List<MigrationPlan> plans() {
            return List.of(plan("10-audit"), plan("2-orders"));
        }
    }

    @Test
    void ids_orderAsVersions_digitRunsNumerically() {
        PlanCatalog catalog = PlanCatalog.of(
                plan("10-audit"),
                plan("2-orders"),
                plan("2026-11-10-index"),
                plan("2026-11-02-split"),
                plan("002-zeros"),
                plan("b"),
                plan("a"));
        assertThat(catalog.ids())
                .containsExactly("2-orders", "002-zeros", "10-audit", "2026-11-02-split", "2026-11-10-index", "a", "b");
    }

    @Test
    void theSamePlanTwice_isKeptOnce_twoDifferentPlansWithOneId_areRefused() {
        assertThat(PlanCatalog.of(plan("a"), plan("a")).size()).isEqualTo(1);
        assertThatThrownBy(() -> PlanCatalog.of(plan("a"), plan("a", "bigint")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Two different plans have the same id: 'a'");
    }

    @Test
    void get_ofAnUnknownId_listsTheKnownOnes() {
        PlanCatalog catalog = PlanCatalog.of(plan("a"), plan("b"));
        assertThat(catalog.get("b").id()).isEqualTo("b");
        assertThat(catalog.find("c")).isEmpty();
        assertThatThrownBy(() -> catalog.get("c")).hasMessage("No plan 'c' in the catalog; it has a, b");
        assertThatThrownBy(() -> PlanCatalog.of().get("c"))
                .hasMessageContaining(
                        "no plans (is a PlanProvider listed in META-INF/services/dev.tandem.PlanProvider?)");
    }

    @Test
    void load_findsTheProvidersOfTheClassPath_inIdOrder() {
        assertThat(PlanCatalog.load(PlanCatalogTest.class.getClassLoader()).ids())
                .containsExactly("2-orders", "10-audit");
    }

    @Test
    void load_aProviderThatCannotBeLoaded_isNamed(@TempDir Path dir) throws Exception {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(PlanProvider.class.getName()), "com.example.Missing\n");
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {dir.toUri().toURL()}, PlanCatalogTest.class.getClassLoader())) {
            assertThatThrownBy(() -> PlanCatalog.load(loader))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(
                            "Could not load a plan provider listed in META-INF/services/" + "dev.tandem.PlanProvider")
                    .hasMessageContaining("com.example.Missing");
        }
    }
}
