package dev.tandem.postgres.metrics;

import static java.util.Objects.requireNonNull;

import dev.tandem.postgres.BackfillListener;
import dev.tandem.postgres.BackfillProgress;
import dev.tandem.postgres.CatalogStatus;
import dev.tandem.postgres.ExecutionListener;
import dev.tandem.postgres.PlanState;
import dev.tandem.postgres.PlanStatus;
import dev.tandem.postgres.PostgresOptions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Publishes what Tandem does as Micrometer meters, tagged by plan. Micrometer is an optional dependency of this module:
 * add {@code io.micrometer:micrometer-core} to use this class (the Spring Boot starter does it for you).
 *
 * <pre>{@code
 * TandemMetrics metrics = new TandemMetrics(registry);
 * PostgresMigrator migrator = PostgresMigrator.create(dataSource, metrics.bindTo(PostgresOptions.defaults()));
 * metrics.record(migrator.status(catalog));   // plan states and unmapped values, whenever status is read
 * }</pre>
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>Name</th><th>Type</th><th>Tags</th><th>What</th></tr>
 * <tr><td>{@value #ROWS}</td><td>counter</td><td>plan, step</td><td>rows the backfill filled</td></tr>
 * <tr><td>{@value #RATE}</td><td>gauge</td><td>plan, step</td><td>rows per second of the running backfill</td></tr>
 * <tr><td>{@value #BATCH}</td><td>timer</td><td>plan, step</td><td>duration of each backfill batch</td></tr>
 * <tr><td>{@value #REMAINING}</td><td>gauge</td><td>plan, step</td><td>rows the planner estimates are left</td></tr>
 * <tr><td>{@value #LOCK_RETRIES}</td><td>counter</td><td>plan, phase</td><td>DDL attempts that hit
 * {@code lock_timeout} and were retried</td></tr>
 * <tr><td>{@value #UNIT}</td><td>timer</td><td>plan, phase</td><td>duration of each unit of DDL work</td></tr>
 * <tr><td>{@value #UNMAPPED}</td><td>gauge</td><td>plan</td><td>values recorded as unmapped and not yet
 * fixed</td></tr>
 * <tr><td>{@value #STATE}</td><td>gauge</td><td>plan, state</td><td>1 for the plan's current state, 0 for the
 * others</td></tr>
 * </table>
 *
 * <p>Thread-safe: one instance serves every migrator of an application.
 */
public final class TandemMetrics implements ExecutionListener, BackfillListener {

    /** Rows filled by the backfill. */
    public static final String ROWS = "tandem.backfill.rows";
    /** Rows per second of the running backfill. */
    public static final String RATE = "tandem.backfill.rate";
    /** Duration of each backfill batch. */
    public static final String BATCH = "tandem.backfill.batch";
    /** Rows the planner estimates are left to fill. */
    public static final String REMAINING = "tandem.backfill.remaining";
    /** DDL attempts that hit {@code lock_timeout} and were retried. */
    public static final String LOCK_RETRIES = "tandem.lock.retries";
    /** Duration of each unit of DDL work. */
    public static final String UNIT = "tandem.ddl.unit";
    /** Values recorded as unmapped and not yet fixed. */
    public static final String UNMAPPED = "tandem.unmapped.values";
    /** 1 for the plan's current state, 0 for the others. */
    public static final String STATE = "tandem.plan.state";

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

    /**
     * Creates the binder; meters appear as plans run.
     *
     * @param registry where the meters go
     */
    public TandemMetrics(MeterRegistry registry) {
        this.registry = requireNonNull(registry, "registry");
    }

    /**
     * {@return the options, reporting DDL units and backfill batches to these metrics as well as to their current
     * listeners}
     *
     * @param options the options to extend
     */
    public PostgresOptions bindTo(PostgresOptions options) {
        BackfillListener previous = options.backfillListener();
        return options.withListener(ExecutionListener.compose(options.listener(), this))
                .withBackfillListener(p -> {
                    previous.onProgress(p);
                    onProgress(p);
                });
    }

    @Override
    public void onProgress(BackfillProgress p) {
        Counter.builder(ROWS)
                .description("Rows filled by Tandem's backfill")
                .baseUnit("rows")
                .tag("plan", p.planId())
                .tag("step", p.stepId())
                .register(registry)
                .increment((double) p.lastBatchRows());
        Timer.builder(BATCH)
                .description("Duration of each Tandem backfill batch")
                .tag("plan", p.planId())
                .tag("step", p.stepId())
                .register(registry)
                .record(p.lastBatchDuration());
        gauge(RATE, "Rows per second of Tandem's running backfill", p.planId(), "step", p.stepId())
                .set(Math.round(p.rowsPerSecond()));
        gauge(REMAINING, "Rows the planner estimates the backfill has left", p.planId(), "step", p.stepId())
                .set(p.rowsEstimated() < 0 ? 0 : Math.max(0, p.rowsEstimated() - p.rowsDone()));
    }

    @Override
    public void attemptFailed(Unit unit, SQLException error) {
        if ("55P03".equals(error.getSQLState())) {
            Counter.builder(LOCK_RETRIES)
                    .description("Tandem DDL attempts that hit lock_timeout")
                    .tag("plan", unit.planId())
                    .tag("phase", unit.phase())
                    .register(registry)
                    .increment();
        }
    }

    @Override
    public void afterUnit(Unit unit, Duration took) {
        Timer.builder(UNIT)
                .description("Duration of each unit of Tandem's DDL work")
                .tag("plan", unit.planId())
                .tag("phase", unit.phase())
                .register(registry)
                .record(took);
    }

    /**
     * Updates the plan-state and unmapped-value gauges from a status read.
     *
     * @param status the plan's status
     */
    public void record(PlanStatus status) {
        gauge(UNMAPPED, "Values Tandem recorded as unmapped and not yet fixed", status.planId(), null, null)
                .set(status.unmappedRows());
        for (PlanState s : PlanState.values()) {
            gauge(STATE, "1 for the plan's current state, 0 for the others", status.planId(), "state", s.name())
                    .set(s == status.state() ? 1 : 0);
        }
    }

    /**
     * Updates the gauges of every plan of a catalog status.
     *
     * @param status the catalog's status
     */
    public void record(CatalogStatus status) {
        status.plans().forEach(p -> record(p.status()));
    }

    private AtomicLong gauge(
            String name, String description, String plan, @Nullable String tag, @Nullable String value) {
        String key = name + '\0' + plan + '\0' + tag + '\0' + value;
        return gauges.computeIfAbsent(key, k -> {
            AtomicLong holder = new AtomicLong();
            Gauge.Builder<AtomicLong> b = Gauge.builder(name, holder, AtomicLong::doubleValue)
                    .description(description)
                    .tag("plan", plan);
            if (tag != null && value != null) {
                b = b.tag(tag, value);
            }
            b.register(registry);
            return holder;
        });
    }
}
