package dev.tandem.spring.boot;

import static java.util.Objects.requireNonNull;

import dev.tandem.postgres.CatalogStatus;
import dev.tandem.postgres.PostgresOptions;
import dev.tandem.postgres.metrics.TandemMetrics;
import org.springframework.core.Ordered;

/**
 * Binds {@link TandemMetrics} into the options (after every user customizer, so that none replaces its listeners) and
 * refreshes its gauges on every status read.
 */
final class MetricsBinding implements TandemOptionsCustomizer, StatusReader.Observer, Ordered {

    private final TandemMetrics metrics;

    MetricsBinding(TandemMetrics metrics) {
        this.metrics = requireNonNull(metrics, "metrics");
    }

    @Override
    public PostgresOptions customize(PostgresOptions options) {
        return metrics.bindTo(options);
    }

    @Override
    public void statusRead(CatalogStatus status) {
        metrics.record(status);
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
