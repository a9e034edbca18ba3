package dev.tandem.spring.boot;

import dev.tandem.postgres.PostgresOptions;

/**
 * Changes the {@link PostgresOptions} that the auto-configuration builds from {@link TandemProperties}, for settings
 * that have no property (batch sizes, a health gate, listeners). Declare one or more as beans; they run in
 * {@link org.springframework.core.annotation.Order @Order}, after the properties are applied.
 *
 * <pre>{@code
 * @Bean
 * TandemOptionsCustomizer smallBatches() {
 *     return options -> options.withBatchSizes(500, 100, 5_000).withBatchPause(Duration.ofMillis(50));
 * }
 * }</pre>
 *
 * <p>{@code PostgresOptions} are immutable: return the changed copy. Tandem's Micrometer binding runs after every
 * customizer, so a customizer that replaces the listeners with {@link PostgresOptions#withListener} keeps the meters.
 * Implementations are called once, while the context starts.
 */
@FunctionalInterface
public interface TandemOptionsCustomizer {

    /**
     * {@return the options to use instead of {@code options}}
     *
     * @param options the options so far: the properties, and the customizers before this one
     */
    PostgresOptions customize(PostgresOptions options);
}
