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
}
