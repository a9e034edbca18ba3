package dev.tandem.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AppVersionTest {
    private static final DatabaseAction NOTHING = ds -> {};

    @Test
    void operation_returnsNewValue_receiverUnchanged() {
        AppVersion empty = AppVersion.named("v1");

        AppVersion one = empty.operation("list", NOTHING);

        assertThat(empty.operations()).isEmpty();
        assertThat(one.operations()).extracting(AppVersion.Operation::name).containsExactly("list");
        assertThat(one.toString()).isEqualTo("AppVersion[v1, operations=[list], writes=[], reads=[]]");
    }

    @Test
    void operation_duplicateName_rejected() {
        assertThatThrownBy(
                        () -> AppVersion.named("v1").operation("list", NOTHING).operation("list", NOTHING))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("version v1 already has an operation named 'list'");
    }

    @Test
    void named_blankOrLong_rejected() {
        assertThatThrownBy(() -> AppVersion.named(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a version name must be 1 to 20 characters, such as v1 or blue, but was ' '");
        assertThatThrownBy(() -> AppVersion.named("x".repeat(21))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writesAndReads_keepOrder_rejectDuplicates() {
        AppVersion v = AppVersion.named("v2")
                .writes("customer", (ds, key) -> {})
                .writes("order", (ds, key) -> {})
                .reads("customer", (ds, key) -> key);

        assertThat(v.writers()).containsOnlyKeys("customer", "order");
        assertThat(v.writers().keySet()).containsExactly("customer", "order");
        assertThat(v.readers()).containsOnlyKeys("customer");
        assertThatThrownBy(() -> v.writes("order", (ds, key) -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("version v2 already writes 'order'");
        assertThatThrownBy(() -> v.reads("customer", (ds, key) -> key))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("version v2 already reads 'customer'");
        assertThatThrownBy(() -> v.writers().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void connection_roleSettingsAndProperties_kept_receiverUnchanged() {
        AppRole app = AppRole.named("app").grant("SELECT, INSERT ON customers");
        AppVersion plain = AppVersion.named("v1");

        AppVersion v = plain.connectsAs(app)
                .sessionSetting("TimeZone", "UTC")
                .sessionSetting("timezone", "Asia/Tokyo")
                .connectionProperty("prepareThreshold", "1")
                .query("by email", "SELECT id FROM customers WHERE email = $1;")
                .changes("customer", "move", (ds, key) -> {});

        assertThat(plain.role()).isNull();
        assertThat(v.role()).isEqualTo(app);
        assertThat(v.sessionSettings()).containsExactly(java.util.Map.entry("timezone", "Asia/Tokyo"));
        assertThat(v.connectionProperties()).containsEntry("prepareThreshold", "1");
        assertThat(v.queries()).containsEntry("by email", "SELECT id FROM customers WHERE email = $1");
        assertThat(v.changes()).extracting(AppVersion.Change::name).containsExactly("move");
    }

    @Test
    void connection_badInput_rejectedWithWhatToDo() {
        AppVersion v = AppVersion.named("v1");
        assertThatThrownBy(() -> v.sessionSetting("time zone", "UTC"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TimeZone, search_path");
        assertThatThrownBy(() -> v.connectionProperty("user", "app"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("connectsAs(AppRole)");
        assertThatThrownBy(() -> v.query("two", "SELECT 1; SELECT 2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one SQL statement");
        assertThatThrownBy(() ->
                        v.changes("customer", "move", (ds, key) -> {}).changes("customer", "move", (ds, key) -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("version v1 already changes 'customer' with 'move'");
    }

    @Test
    void appRole_badNamesAndGrants_rejected() {
        assertThatThrownBy(() -> AppRole.named("App"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lower-case identifier");
        assertThatThrownBy(() -> AppRole.named("pg_monitor"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reserved");
        AppRole app = AppRole.named("app");
        assertThatThrownBy(() -> app.grant("SELECT ON customers TO bob"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the harness adds TO app");
        assertThatThrownBy(() -> app.grant("SELECT ON customers; DROP TABLE customers"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> app.grant("SELECT")).isInstanceOf(IllegalArgumentException.class);
        assertThat(app.grant("  USAGE ON SEQUENCE customers_id_seq ").grants())
                .containsExactly("USAGE ON SEQUENCE customers_id_seq");
        assertThat(app.grants()).isEmpty();
    }
}
