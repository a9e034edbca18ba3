package dev.tandem.postgres;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.tandem.ErrorCode;
import dev.tandem.MigrationPlan;
import dev.tandem.PlanCatalog;
import dev.tandem.PlanStateException;
import dev.tandem.PlanValidationException;
import dev.tandem.StepExecutionException;
import dev.tandem.TandemException;
import dev.tandem.Violation;
import dev.tandem.plan.AfterBackfill;
import dev.tandem.plan.Backfill;
import dev.tandem.plan.BackfillMerge;
import dev.tandem.plan.BackfillMove;
import dev.tandem.plan.Contract;
import dev.tandem.plan.DropColumn;
import dev.tandem.plan.DualWrite;
import dev.tandem.plan.Expand;
import dev.tandem.plan.Phase;
import dev.tandem.plan.RawChange;
import dev.tandem.plan.SchemaChange;
import dev.tandem.plan.Step;
import dev.tandem.plan.TableName;
import dev.tandem.plan.UnmappedPolicy;
import dev.tandem.postgres.internal.AdvisoryLock;
import dev.tandem.postgres.internal.Backfiller;
import dev.tandem.postgres.internal.Catalog;
import dev.tandem.postgres.internal.DdlRunner;
import dev.tandem.postgres.internal.Explainer;
import dev.tandem.postgres.internal.PostgresRenderer;
import dev.tandem.postgres.internal.Preflight;
import dev.tandem.postgres.internal.SessionSettings;
import dev.tandem.postgres.internal.SqlStates;
import dev.tandem.postgres.internal.SqlUnit;
import dev.tandem.postgres.internal.StateStore;
import dev.tandem.postgres.internal.TableFacts;
import dev.tandem.postgres.internal.Verifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link MigrationPlan}s on PostgreSQL, phase by phase:
 *
 * <pre>{@code
 * PostgresMigrator migrator = PostgresMigrator.create(dataSource);
 * migrator.expand(plan);     // new columns + sync triggers: both app versions work
 * migrator.backfill(plan);   // batched, resumable
 * migrator.verify(plan);     // every row consistent? nothing unmapped?
 * migrator.contract(plan);   // refused unless verified; drops the old representation
 * }</pre>
 *
 * <p>Every phase is idempotent: running a finished phase again does nothing, running an interrupted one resumes it.
 * State lives in the database (schema {@code tandem} by default), so any process can continue what another started;
 * a session advisory lock per plan keeps two runners apart. Every DDL statement runs in its own short transaction
 * under {@code lock_timeout}, retried with backoff up to a deadline (see {@link PostgresOptions}).
 *
 * <p>Instances are immutable and thread-safe; each call borrows one connection from the {@code DataSource} for its
 * whole duration and returns it.
 */
public final class PostgresMigrator {
    private static final Logger log = LoggerFactory.getLogger(PostgresMigrator.class);

    private static final int MIN_SERVER_VERSION = 140000;

    private final DataSource dataSource;
    private final PostgresOptions options;

    private PostgresMigrator(DataSource dataSource, PostgresOptions options) {
        this.dataSource = requireNonNull(dataSource, "dataSource");
        this.options = requireNonNull(options, "options");
    }

    /**
     * {@return a migrator with {@linkplain PostgresOptions#defaults() default options}}
     *
     * @param dataSource connections to the database; any pool works
     */
    public static PostgresMigrator create(DataSource dataSource) {
        return new PostgresMigrator(dataSource, PostgresOptions.defaults());
    }

    /**
     * {@return a migrator with the given options}
     *
     * @param dataSource connections to the database; any pool works
     * @param options the options
     */
    public static PostgresMigrator create(DataSource dataSource, PostgresOptions options) {
        return new PostgresMigrator(dataSource, options);
    }

    /** {@return the options} */
    public PostgresOptions options() {
        return options;
    }

    /**
     * {@return a migrator over the same data source with other options; this one is unchanged}
     *
     * @param options the options
     */
    public PostgresMigrator withOptions(PostgresOptions options) {
        return new PostgresMigrator(dataSource, options);
    }

    // ------------------------------------------------------------------------------------------------------ phases

    /**
     * Runs the expand phase: adds the new columns and installs the sync triggers. Afterwards both application versions
     * work. Before anything changes, the plan is checked against the catalog (tables, columns, keys, every mapping
     * expression); a problem is reported with every other one and changes nothing.
     *
     * @param plan the plan
     * @return the plan's status afterwards
     * @throws PlanValidationException if the plan does not fit the database; nothing was changed
     * @throws PlanStateException if the plan changed after it started, or a rollback is unfinished
     * @throws dev.tandem.LockNotAcquiredException if a lock could not be taken in time; run expand again to resume
     * @throws StepExecutionException if a statement failed
     */
    @CanIgnoreReturnValue
    public PlanStatus expand(MigrationPlan plan) {
        return session(plan, "expand", (c, store, renderer) -> {
            Optional<StateStore.PlanRow> row = store.find(c, plan.id());
            if (row.isPresent()) {
                PlanState state = row.get().state();
                switch (state) {
                    case EXPANDED, BACKFILLING, BACKFILLED, VERIFIED, CONTRACTING, CONTRACTED -> {
                        log.info("{} - Expand already done (state {})", plan.id(), state);
                        return store.status(c, plan.id(), plan.checksum());
                    }
                    case ROLLING_BACK ->
                        throw new PlanStateException(
                                ErrorCode.STATE_CONFLICT,
                                plan.id(),
                                "Cannot expand plan '" + plan.id() + "': a rollback started and did not finish. Run"
                                        + " rollback again to finish it, then expand.");
                    default -> {}
                }
            }
            boolean fresh = row.isEmpty()
                    || row.get().state() == PlanState.ROLLED_BACK
                    || row.get().state() == PlanState.PENDING;
            Set<String> done = fresh ? Set.of() : store.doneSteps(c, plan.id(), "expand");
            Preflight preflight = new Preflight(plan, renderer, options.defaultSchema());
            preflight.beforeExpand(c, done);
            if (!preflight.violations().isEmpty()) {
                throw new PlanValidationException(ErrorCode.SCHEMA_MISMATCH, plan.id(), preflight.violations());
            }
            Map<TableName, TableFacts> facts = preflight.facts();
            long t0 = System.nanoTime();
            log.info(
                    "{} - Expand started ({} steps)",
                    plan.id(),
                    plan.steps(Phase.EXPAND).size());
            // the first write; everything before only read
            store.ensureSchema(c, renderer.stateSchemaDdl(), renderer.stateSchemaUpgrades(), plan.id());
            if (fresh) {
                store.start(
                        c, plan.id(), plan.checksum(), plan.description(), plan.canonicalForm(), PlanState.EXPANDING);
            } else {
                store.setState(c, plan.id(), PlanState.EXPANDING);
            }
            runUnits(c, store, plan, renderer.expandUnits(plan, facts), done, done);
            store.setState(c, plan.id(), PlanState.EXPANDED);
            log.info("{} - Expand completed in {} ms", plan.id(), millisSince(t0));
            return store.status(c, plan.id(), plan.checksum());
        });
    }

    /**
     * Runs (or resumes) the backfill phase without a progress listener.
     *
     * @param plan the plan
     * @return what this run did
     * @throws PlanStateException if the plan is not expanded, or changed after it started
     * @throws StepExecutionException if a batch failed; earlier batches are kept and a new run resumes
     */
    @CanIgnoreReturnValue
    public BackfillReport backfill(MigrationPlan plan) {
        return backfill(plan, BackfillListener.NONE);
    }

    /**
     * Runs (or resumes) the backfill phase: fills the new columns of rows that existed before the sync triggers, in
     * short batches on key ranges, each its own transaction with its cursor. Progress goes to {@code listener} after
     * every batch and to the log every {@link PostgresOptions#progressLogInterval()}.
     *
     * @param plan the plan
     * @param listener receives progress after each batch
     * @return what this run did
     * @throws PlanStateException if the plan is not expanded, or changed after it started
     * @throws StepExecutionException if a batch failed; earlier batches are kept and a new run resumes
     */
    @CanIgnoreReturnValue
    public BackfillReport backfill(MigrationPlan plan, BackfillListener listener) {
        requireNonNull(listener, "listener");
        return session(plan, "backfill", (c, store, renderer) -> {
            PlanState state = require(c, store, plan, "backfill").state();
            if (state == PlanState.BACKFILLED
                    || state == PlanState.VERIFIED
                    || state == PlanState.CONTRACTING
                    || state == PlanState.CONTRACTED) {
                log.info("{} - Backfill already done (state {})", plan.id(), state);
                return new BackfillReport(plan.id(), 0, store.rowsBackfilled(c, plan.id()), 0, 0, Duration.ZERO);
            }
            if (state != PlanState.EXPANDED && state != PlanState.BACKFILLING) {
                throw wrongState(plan, "backfill", state, "run expand first");
            }
            long t0 = System.nanoTime();
            log.info(
                    "{} - Backfill started ({} steps)",
                    plan.id(),
                    plan.backfills().size() + moves(plan).size() + merges(plan).size());
            store.setState(c, plan.id(), PlanState.BACKFILLING);
            Backfiller backfiller = new Backfiller(plan.id(), options, store);
            long rows = 0;
            long batches = 0;
            long rowwise = 0;
            for (Backfill step : plan.backfills()) {
                TableFacts facts = facts(c, renderer, step.table());
                Backfiller.Result r = backfiller.run(c, step, renderer.backfill(step, facts), listener);
                rows += r.rows();
                batches += r.batches();
                rowwise += r.rowwiseBatches();
            }
            for (BackfillMerge step : merges(plan)) {
                Backfiller.Result r = backfiller.run(
                        c,
                        new Backfiller.Target(step.id(), step.merge().columns(), UnmappedPolicy.REJECT),
                        renderer.backfill(
                                step,
                                facts(c, renderer, step.table()),
                                facts(c, renderer, step.merge().into())),
                        listener);
                rows += r.rows();
                batches += r.batches();
                rowwise += r.rowwiseBatches();
            }
            for (BackfillMove step : moves(plan)) {
                TableFacts facts = facts(c, renderer, step.table());
                Backfiller.Result r = backfiller.run(
                        c,
                        new Backfiller.Target(step.id(), step.move().columns(), UnmappedPolicy.REJECT),
                        renderer.backfill(step, facts),
                        listener);
                rows += r.rows();
                batches += r.batches();
                rowwise += r.rowwiseBatches();
            }
            // changes that need the filled rows, such as VALIDATE CONSTRAINT, while the old version still runs
            Set<String> settled = store.doneSteps(c, plan.id(), "backfill");
            runUnits(
                    c,
                    store,
                    plan,
                    renderer.afterBackfillUnits(plan, contractFacts(c, renderer, plan)),
                    settled,
                    settled);
            store.setState(c, plan.id(), PlanState.BACKFILLED);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            BackfillReport report =
                    new BackfillReport(plan.id(), rows, store.rowsBackfilled(c, plan.id()), batches, rowwise, took);
            log.info(
                    "{} - Backfill completed in {} ms: {} rows in {} batches, {} rows/s",
                    plan.id(),
                    took.toMillis(),
                    rows,
                    batches,
                    Math.round(report.rowsPerSecond()));
            return report;
        });
    }

    /**
     * Verifies the plan's sync rules: counts rows whose new columns differ from what the forward mappings give for
     * their old ones, in batches, and lists unmapped values. The plan becomes {@link PlanState#VERIFIED} when there are
     * none of either; otherwise it stays {@link PlanState#BACKFILLED} and contract is refused. Safe to run at any time
     * after the backfill, as often as wanted.
     *
     * @param plan the plan
     * @return the counts and samples
     * @throws PlanStateException if the backfill has not finished, or the plan changed after it started
     */
    @CanIgnoreReturnValue
    public VerifyReport verify(MigrationPlan plan) {
        return session(plan, "verify", (c, store, renderer) -> {
            PlanState state = require(c, store, plan, "verify").state();
            if (state != PlanState.BACKFILLED && state != PlanState.VERIFIED) {
                throw wrongState(
                        plan,
                        "verify",
                        state,
                        state == PlanState.CONTRACTED ? "contract already ran" : "run backfill first");
            }
            return runVerify(c, store, renderer, plan);
        });
    }

    /** Verifies every rule now and stores the outcome: VERIFIED, or BACKFILLED when anything is found. */
    private VerifyReport runVerify(Connection c, StateStore store, PostgresRenderer renderer, MigrationPlan plan)
            throws SQLException {
        long t0 = System.nanoTime();
        Verifier verifier = new Verifier(plan.id(), options);
        long checked = 0;
        long inconsistent = 0;
        List<String> sample = new ArrayList<>();
        for (DualWrite rule : plan.dualWrites()) {
            TableFacts facts = facts(c, renderer, rule.table());
            Verifier.Result r = verifier.run(c, rule, renderer.verify(rule, facts));
            checked += r.checked();
            inconsistent += r.inconsistent();
            for (String k : r.sample()) {
                if (sample.size() < 20) {
                    sample.add(k);
                }
            }
        }
        for (BackfillMove step : moves(plan)) {
            TableFacts facts = facts(c, renderer, step.table());
            Verifier.Result r = verifier.run(c, step.id(), facts.table(), renderer.verify(step, facts));
            checked += r.checked();
            inconsistent += r.inconsistent();
            for (String k : r.sample()) {
                if (sample.size() < 20) {
                    sample.add(k);
                }
            }
        }
        for (BackfillMerge step : merges(plan)) {
            TableFacts into = facts(c, renderer, step.merge().into());
            Verifier.Result r = verifier.run(
                    c, step.id(), into.table(), renderer.verify(step, into, facts(c, renderer, step.table())));
            checked += r.checked();
            inconsistent += r.inconsistent();
            for (String k : r.sample()) {
                if (sample.size() < 20) {
                    sample.add(k);
                }
            }
        }
        long unmapped = store.unmappedCount(c, plan.id());
        // values the new side cannot hold block contract; values only the old side cannot hold (the backward
        // direction) are reported, but dropping the old side loses nothing of them
        long blocking = store.unmappedCount(c, plan.id(), "forward");
        PlanState next = inconsistent == 0 && blocking == 0 ? PlanState.VERIFIED : PlanState.BACKFILLED;
        store.setVerified(c, plan.id(), inconsistent, next);
        VerifyReport report = new VerifyReport(
                plan.id(),
                checked,
                inconsistent,
                sample,
                unmapped,
                store.unmapped(c, plan.id(), 100),
                Duration.ofNanos(System.nanoTime() - t0));
        log.info(
                "{} - Verify completed in {} ms: {} rows checked, {} inconsistent, {} unmapped",
                plan.id(),
                millisSince(t0),
                checked,
                inconsistent,
                unmapped);
        return report;
    }

    /**
     * Runs the contract phase: drops the sync triggers and what only the old application version needed, each table in
     * one short transaction. Refused unless the last verification found every row consistent and no value is unmapped
     * now; see {@link #forceContract} to override.
     *
     * @param plan the plan
     * @return the plan's status afterwards
     * @throws PlanStateException if the plan is not verified, has unmapped values, or changed after it started
     */
    @CanIgnoreReturnValue
    public PlanStatus contract(MigrationPlan plan) {
        return contract(plan, null);
    }

    /**
     * Runs the contract phase although the plan is not verified or has unmapped values. The reason is stored with the
     * plan. Unmapped values keep NULL in the new columns.
     *
     * @param plan the plan
     * @param reason why it is safe to contract anyway
     * @return the plan's status afterwards
     * @throws PlanStateException if the plan was never expanded, is rolled back, or changed after it started
     */
    @CanIgnoreReturnValue
    public PlanStatus forceContract(MigrationPlan plan, String reason) {
        requireNonNull(reason, "reason");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("forceContract needs a reason; it is stored with the plan");
        }
        return contract(plan, reason);
    }

    private PlanStatus contract(MigrationPlan plan, @Nullable String forcedReason) {
        return session(plan, "contract", (c, store, renderer) -> {
            StateStore.PlanRow row = require(c, store, plan, "contract");
            PlanState state = row.state();
            if (state == PlanState.CONTRACTED) {
                log.info("{} - Contract already done", plan.id());
                return store.status(c, plan.id(), plan.checksum());
            }
            Set<String> contracted = store.doneSteps(c, plan.id(), "contract");
            boolean resuming = state == PlanState.CONTRACTING && !contracted.isEmpty();
            // a contract that stopped before it changed anything starts over, verification included
            PlanState before = state == PlanState.CONTRACTING && !resuming ? PlanState.BACKFILLED : state;
            if (!resuming) {
                if (forcedReason == null) {
                    refuseWhileOldVersionConnected(c, plan);
                    if (before != PlanState.BACKFILLED && before != PlanState.VERIFIED) {
                        throw wrongState(
                                plan,
                                "contract",
                                state,
                                before == PlanState.ROLLED_BACK || before == PlanState.ROLLING_BACK
                                        ? "the plan was rolled back; expand it again first"
                                        : "run backfill and verify first");
                    }
                    // Verify again, now: rows written since the last verification count too, whatever session
                    // settings their writers used.
                    VerifyReport report = runVerify(c, store, renderer, plan);
                    long blocking = store.unmappedCount(c, plan.id(), "forward");
                    if (report.inconsistentRows() > 0 || blocking > 0) {
                        throw refusal(
                                plan,
                                PlanState.BACKFILLED,
                                report.inconsistentRows(),
                                blocking,
                                store.unmapped(c, plan.id(), 5));
                    }
                    before = PlanState.VERIFIED;
                } else {
                    if (before == PlanState.PENDING
                            || before == PlanState.EXPANDING
                            || before == PlanState.ROLLING_BACK
                            || before == PlanState.ROLLED_BACK) {
                        throw wrongState(
                                plan, "contract", state, "expand first; forcing skips verification, not expand");
                    }
                    long unmapped = store.unmappedCount(c, plan.id());
                    log.warn(
                            "{} - Contract forced in state {} with {} unmapped values: {}",
                            plan.id(),
                            state,
                            unmapped,
                            forcedReason);
                    store.setForcedReason(c, plan.id(), forcedReason);
                }
                Preflight preflight = new Preflight(plan, renderer, options.defaultSchema());
                preflight.beforeContract(c);
                if (!preflight.violations().isEmpty()) {
                    throw new PlanValidationException(ErrorCode.SCHEMA_MISMATCH, plan.id(), preflight.violations());
                }
            }
            long t0 = System.nanoTime();
            log.info("{} - Contract started", plan.id());
            store.setState(c, plan.id(), PlanState.CONTRACTING);
            List<SqlUnit> units = renderer.contractUnits(plan, contractFacts(c, renderer, plan));
            if (forcedReason != null) {
                units = withoutGuard(units);
            }
            try {
                runUnits(c, store, plan, units, contracted, Set.of());
            } catch (TandemException e) {
                if (!resuming
                        && !c.isClosed()
                        && store.doneSteps(c, plan.id(), "contract").isEmpty()) {
                    // nothing was dropped: the plan is where it was, and rollback is still possible
                    store.setState(c, plan.id(), before);
                    if (e instanceof StepExecutionException se
                            && PostgresRenderer.GUARD_SQLSTATE.equals(se.sqlState())) {
                        store.setVerified(c, plan.id(), -1, PlanState.BACKFILLED);
                        throw new PlanStateException(
                                ErrorCode.CONTRACT_REFUSED,
                                plan.id(),
                                "Contract of plan '" + plan.id() + "' refused: writers recorded values the plan"
                                        + " cannot map after the verification ("
                                        + store.unmappedCount(c, plan.id(), "forward") + " now). Fix them, then run"
                                        + " contract again (it verifies first), or call forceContract(plan, reason)."
                                        + " Nothing was changed.");
                    }
                }
                throw e;
            }
            store.setState(c, plan.id(), PlanState.CONTRACTED);
            log.info("{} - Contract completed in {} ms", plan.id(), millisSince(t0));
            return store.status(c, plan.id(), plan.checksum());
        });
    }

    /** The backfill steps of the plan's column merges, in plan order. */
    private static List<BackfillMerge> merges(MigrationPlan plan) {
        List<BackfillMerge> out = new ArrayList<>();
        for (Step step : plan.steps(Phase.BACKFILL)) {
            if (step instanceof BackfillMerge m) {
                out.add(m);
            }
        }
        return out;
    }

    /** The backfill steps of the plan's column moves, in plan order. */
    private static List<BackfillMove> moves(MigrationPlan plan) {
        List<BackfillMove> out = new ArrayList<>();
        for (Step step : plan.steps(Phase.BACKFILL)) {
            if (step instanceof BackfillMove m) {
                out.add(m);
            }
        }
        return out;
    }

    private static Map<TableName, TableFacts> contractFacts(Connection c, PostgresRenderer renderer, MigrationPlan plan)
            throws SQLException {
        Map<TableName, TableFacts> out = new LinkedHashMap<>();
        for (TableName t : Preflight.tables(plan, renderer)) {
            Catalog.table(c, t).ifPresent(table -> out.put(t, table.facts()));
        }
        return out;
    }

    /** A forced contract accepts unmapped values: its units drop the guard that refuses them. */
    private static List<SqlUnit> withoutGuard(List<SqlUnit> units) {
        List<SqlUnit> out = new ArrayList<>();
        for (SqlUnit u : units) {
            List<dev.tandem.postgres.internal.RenderedStatement> kept = new ArrayList<>();
            for (dev.tandem.postgres.internal.RenderedStatement r : u.statements()) {
                if (!r.sql().contains(PostgresRenderer.GUARD_SQLSTATE)) {
                    kept.add(r);
                }
            }
            out.add(new SqlUnit(
                    u.phase(),
                    u.steps(),
                    kept,
                    u.transactional(),
                    u.lockTable(),
                    u.lockMode(),
                    u.rollback(),
                    u.searchPath(),
                    u.requires()));
        }
        return out;
    }

    /**
     * Rolls the plan back at any time before contract: drops the sync triggers and every column the plan added (each
     * table in one short transaction, so no write slips between them) and runs raw steps' undo statements. The old
     * columns were kept in sync the whole time, so nothing either application version wrote to them is lost; what was
     * written only to the new columns is dropped with them. Stop the new application version first.
     *
     * @param plan the plan
     * @return the plan's status afterwards ({@link PlanState#ROLLED_BACK}, or {@link PlanState#PENDING} if it never ran)
     * @throws PlanStateException if contract already ran, a raw step has no undo, or the plan changed after it started
     */
    @CanIgnoreReturnValue
    public PlanStatus rollback(MigrationPlan plan) {
        return session(plan, "rollback", (c, store, renderer) -> {
            Optional<StateStore.PlanRow> row = store.find(c, plan.id());
            if (row.isEmpty() || row.get().state() == PlanState.PENDING) {
                log.info("{} - Rollback: the plan never ran; nothing to do", plan.id());
                return store.status(c, plan.id(), plan.checksum());
            }
            PlanState state = row.get().state();
            if (state == PlanState.ROLLED_BACK) {
                log.info("{} - Rollback already done", plan.id());
                return store.status(c, plan.id(), plan.checksum());
            }
            // a contract that stopped before it dropped anything can still be rolled back
            boolean contractApplied = state == PlanState.CONTRACTING
                    && !store.doneSteps(c, plan.id(), "contract").isEmpty();
            if (state == PlanState.CONTRACTED || contractApplied) {
                throw new PlanStateException(
                        ErrorCode.STATE_CONFLICT,
                        plan.id(),
                        "Cannot roll back plan '" + plan.id() + "': contract "
                                + (state == PlanState.CONTRACTED ? "ran" : "started")
                                + " and dropped what the old version needs ("
                                + String.join(", ", store.doneSteps(c, plan.id(), "contract")) + "). "
                                + (state == PlanState.CONTRACTING ? "Run contract again to finish it. " : "")
                                + "Write a new plan to change the schema back.");
            }
            Set<String> expanded = store.doneSteps(c, plan.id(), "expand");
            Set<String> ran = new HashSet<>(expanded);
            ran.addAll(store.doneSteps(c, plan.id(), "backfill"));
            for (Step s : plan.steps()) {
                SchemaChange change =
                        s instanceof Expand e ? e.change() : s instanceof AfterBackfill a ? a.change() : null;
                if (change instanceof RawChange raw && !raw.hasUndo() && ran.contains(s.id().value())) {
                    throw new PlanStateException(
                            ErrorCode.STATE_CONFLICT,
                            plan.id(),
                            "Cannot roll back plan '" + plan.id() + "': raw step '" + s.id() + "' ran and has no undo"
                                    + " statement. Undo it by hand, or give the raw step an undo statement.");
                }
            }
            refuseNullsInRelaxedColumns(c, plan, renderer, expanded);
            long t0 = System.nanoTime();
            log.info("{} - Rollback started (from {})", plan.id(), state);
            store.setState(c, plan.id(), PlanState.ROLLING_BACK);
            runUnits(c, store, plan, renderer.rollbackUnits(plan), store.doneSteps(c, plan.id(), "rollback"), ran);
            store.finishRollback(c, plan.id());
            log.info("{} - Rollback completed in {} ms", plan.id(), millisSince(t0));
            return store.status(c, plan.id(), plan.checksum());
        });
    }

    /**
     * Expand let the new version leave out NOT NULL columns that contract drops; rollback restores the constraint, which
     * rows the new version wrote without the column would break. Refuse before anything changes, and say how to fix.
     */
    private static void refuseNullsInRelaxedColumns(
            Connection c, MigrationPlan plan, PostgresRenderer renderer, Set<String> expanded) throws SQLException {
        for (Step s : plan.steps()) {
            // a NOT NULL expand relaxed: for a dropped column, or by dropNotNull
            TableName table;
            dev.tandem.plan.Identifier column;
            String why;
            if (s instanceof Contract k && k.change() instanceof DropColumn dc) {
                table = dc.table();
                column = dc.column();
                why = "the new version no longer writes it, so expand let it be NULL";
            } else if (s instanceof Expand e && e.change() instanceof dev.tandem.plan.DropNotNull dn) {
                table = dn.table();
                column = dn.column();
                why = "the plan dropped its NOT NULL";
            } else {
                continue;
            }
            if (!expanded.contains(s.id().value())) {
                continue;
            }
            TableName t = renderer.qualify(table);
            long nulls;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM " + t.quoted() + " WHERE " + column.quoted() + " IS NULL")) {
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    nulls = rs.getLong(1);
                }
            }
            if (nulls > 0) {
                throw new PlanStateException(
                        ErrorCode.STATE_CONFLICT,
                        plan.id(),
                        "Cannot roll back plan '" + plan.id() + "' yet: " + nulls + (nulls == 1 ? " row" : " rows")
                                + " of "
                                + t.quoted()
                                + (nulls == 1 ? " has" : " have") + " no value in "
                                + column.quoted()
                                + " (" + why + "), and rollback restores its NOT NULL constraint. Stop the"
                                + " new version, give those rows a value (UPDATE " + t.quoted() + " SET "
                                + column.quoted() + " = ... WHERE "
                                + column.quoted() + " IS NULL), then run"
                                + " rollback again. Nothing was changed.");
            }
        }
    }

    /**
     * {@return the plan's stored status; never changes anything and takes no lock}
     *
     * @param plan the plan
     */
    public PlanStatus status(MigrationPlan plan) {
        requireNonNull(plan, "plan");
        try (Connection c = dataSource.getConnection()) {
            StateStore store = new StateStore(options.stateSchema());
            store.requireReadable(c, plan.id());
            return store.status(c, plan.id(), plan.checksum());
        } catch (SQLException e) {
            throw new StepExecutionException(
                    ErrorCode.STEP_FAILED,
                    plan.id(),
                    null,
                    "status",
                    SqlStates.of(e),
                    "Could not read the status of plan '" + plan.id() + "': " + e.getMessage(),
                    e);
        }
    }

    /**
     * {@return where every plan of the catalog stands, the stored plans it no longer has, and the old version's connected
     * sessions; never changes anything and takes no lock}
     *
     * <p>Works on a database where Tandem never ran: every plan is then {@code PENDING}.
     *
     * @param catalog the plans
     * @throws PlanStateException if a newer Tandem release wrote the state tables
     */
    public CatalogStatus status(PlanCatalog catalog) {
        requireNonNull(catalog, "catalog");
        StateStore store = new StateStore(options.stateSchema());
        try (Connection c = dataSource.getConnection()) {
            int version = store.version(c);
            store.requireReadable(c, "*");
            Map<String, StateStore.PlanRow> stored = new LinkedHashMap<>();
            for (StateStore.PlanRow r : store.all(c)) {
                stored.put(r.planId(), r);
            }
            List<CatalogStatus.PlanEntry> entries = new ArrayList<>();
            for (MigrationPlan plan : catalog.plans()) {
                StateStore.PlanRow row = stored.remove(plan.id());
                PlanStatus s = row == null
                        ? new PlanStatus(plan.id(), plan.checksum(), PlanState.PENDING, null, 0, -1, 0, null, null)
                        : store.status(c, plan.id(), plan.checksum());
                boolean changed = row != null
                        && !row.checksum().equals(plan.checksum())
                        && row.state() != PlanState.PENDING
                        && row.state() != PlanState.ROLLED_BACK;
                entries.add(new CatalogStatus.PlanEntry(s, changed));
            }
            List<PlanStatus> others = new ArrayList<>();
            for (StateStore.PlanRow r : stored.values()) {
                others.add(store.status(c, r.planId(), r.checksum()));
            }
            return new CatalogStatus(entries, others, oldVersionSessions(c), version);
        } catch (SQLException e) {
            throw new StepExecutionException(
                    ErrorCode.STEP_FAILED,
                    "*",
                    null,
                    "status",
                    SqlStates.of(e),
                    "Could not read the status of the plans " + catalog.ids() + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * Runs expand for every plan of the catalog that has not been expanded ({@code PENDING}) or whose expand did not
     * finish ({@code EXPANDING}), in the catalog's order; plans in any other state are left as they are (a rolled-back
     * plan is expanded again only by an explicit {@link #expand}). Stops at the first failure, so a later plan never
     * runs before an earlier one.
     *
     * @param catalog the plans
     * @return the status of each plan that was expanded, in order
     * @throws PlanValidationException if a plan does not fit the database; the plans before it stay expanded
     * @throws PlanStateException if a plan changed after it started
     * @throws dev.tandem.LockNotAcquiredException if another runner holds a plan, or a lock could not be taken in time
     */
    public List<PlanStatus> expandPending(PlanCatalog catalog) {
        List<PlanStatus> done = new ArrayList<>();
        CatalogStatus now = status(catalog);
        for (CatalogStatus.PlanEntry entry : now.pendingExpand()) {
            done.add(expand(catalog.get(entry.planId())));
        }
        return done;
    }

    /**
     * {@return the connected sessions of the old application version, by {@link PostgresOptions#oldVersionGuard()};
     * empty if the options have no guard}
     */
    public List<OldVersionSession> oldVersionSessions() {
        try (Connection c = dataSource.getConnection()) {
            return oldVersionSessions(c);
        } catch (SQLException e) {
            throw new StepExecutionException(
                    ErrorCode.STEP_FAILED,
                    "*",
                    null,
                    "status",
                    SqlStates.of(e),
                    "Could not list the old version's sessions: " + e.getMessage(),
                    e);
        }
    }

    private List<OldVersionSession> oldVersionSessions(Connection c) throws SQLException {
        OldVersionGuard guard = options.oldVersionGuard();
        if (guard.isNone()) {
            return List.of();
        }
        List<OldVersionSession> sessions = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.pid, coalesce(a.application_name, ''),"
                + " coalesce(a.usename::text, ''), host(a.client_addr), a.backend_start, coalesce(a.state, '')"
                + " FROM pg_catalog.pg_stat_activity a"
                + " WHERE a.datname = pg_catalog.current_database() AND a.backend_type = 'client backend'"
                + " AND a.pid <> pg_catalog.pg_backend_pid() AND a.application_name <> ?"
                + " AND (a.application_name LIKE ANY (?) OR a.usename::text = ANY (?))"
                + " ORDER BY a.backend_start, a.pid")) {
            ps.setString(1, options.applicationName());
            ps.setArray(2, c.createArrayOf("text", guard.applicationNames().toArray()));
            ps.setArray(3, c.createArrayOf("text", guard.roles().toArray()));
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sessions.add(new OldVersionSession(
                            rs.getInt(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getTimestamp(5).toInstant(),
                            rs.getString(6)));
                }
            }
        }
        return sessions;
    }

    private void refuseWhileOldVersionConnected(Connection c, MigrationPlan plan) throws SQLException {
        List<OldVersionSession> sessions = oldVersionSessions(c);
        if (sessions.isEmpty()) {
            return;
        }
        StringBuilder who = new StringBuilder();
        for (int i = 0; i < Math.min(5, sessions.size()); i++) {
            who.append(i == 0 ? "" : "; ").append(sessions.get(i).describe());
        }
        if (sessions.size() > 5) {
            who.append("; and ").append(sessions.size() - 5).append(" more");
        }
        throw new PlanStateException(
                ErrorCode.OLD_VERSION_CONNECTED,
                plan.id(),
                "Contract of plan '" + plan.id() + "' refused: " + sessions.size() + " session"
                        + (sessions.size() == 1 ? " of the old version is" : "s of the old version are")
                        + " still connected (" + options.oldVersionGuard() + "): " + who + ". Contract drops what the"
                        + " old version reads and writes; stop it (its connection pools close their connections when"
                        + " it shuts down) and run contract again, or call forceContract(plan, reason) if these"
                        + " sessions will not touch the plan's tables. Nothing was changed.");
    }

    /**
     * {@return the values of the plan recorded as unmapped, oldest first, at most {@code limit}; never changes anything
     * and takes no lock}
     *
     * <p>Each row names the table and the primary-key values of the row to fix, the column and the reason. A row fixed
     * since it was recorded stays listed until the next {@link #verify} (which {@link #contract} runs first) finds it
     * consistent and forgets it.
     *
     * @param plan the plan
     * @param limit the most rows to return, at least 1
     * @throws IllegalArgumentException if {@code limit} is below 1
     */
    public List<UnmappedRow> unmapped(MigrationPlan plan, int limit) {
        requireNonNull(plan, "plan");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
        }
        StateStore store = new StateStore(options.stateSchema());
        try (Connection c = dataSource.getConnection()) {
            return store.exists(c) ? store.unmapped(c, plan.id(), limit) : List.of();
        } catch (SQLException e) {
            throw new StepExecutionException(
                    ErrorCode.STEP_FAILED,
                    plan.id(),
                    null,
                    "unmapped",
                    SqlStates.of(e),
                    "Could not read the unmapped values of plan '" + plan.id() + "': " + e.getMessage(),
                    e);
        }
    }

    /**
     * Explains the plan: every statement of every phase (expand, backfill, verify, contract, rollback) with the lock it
     * takes, whether it rewrites or scans the table, and whether it runs in a transaction. Reads the catalog in a
     * read-only transaction and changes nothing.
     *
     * @param plan the plan
     * @return the explanation; print it with {@code toString()}
     * @throws PlanValidationException if a table of the plan does not exist
     */
    public PlanExplanation explain(MigrationPlan plan) {
        requireNonNull(plan, "plan");
        PostgresRenderer renderer = new PostgresRenderer(plan.id(), options.stateSchema(), options.defaultSchema());
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET TRANSACTION READ ONLY");
                SessionSettings.pinLocal(c); // what explain prints is what the phases run
                Preflight preflight = new Preflight(plan, renderer, options.defaultSchema());
                preflight.readTables(c);
                if (!preflight.violations().isEmpty()) {
                    throw new PlanValidationException(ErrorCode.SCHEMA_MISMATCH, plan.id(), preflight.violations());
                }
                Map<String, String> notes = new LinkedHashMap<>();
                preflight
                        .alsoDropped(c)
                        .forEach((step, objects) -> notes.put(step, "also drops " + String.join(", ", objects)));
                preflight.beforeContract(c);
                for (Violation v : preflight.violations()) {
                    notes.merge(v.where(), "contract would fail now: " + v.message(), (a, b) -> a + "; " + b);
                }
                StateStore store = new StateStore(options.stateSchema());
                Set<String> expanded = store.exists(c) ? store.doneSteps(c, plan.id(), "expand") : Set.of();
                return Explainer.explain(plan, renderer, preflight.facts(), notes, expanded);
            } finally {
                DdlRunner.rollbackQuietly(c);
                if (auto) {
                    DdlRunner.autocommitQuietly(c);
                }
            }
        } catch (SQLException e) {
            throw new StepExecutionException(
                    ErrorCode.STEP_FAILED,
                    plan.id(),
                    null,
                    "explain",
                    SqlStates.of(e),
                    "Could not explain plan '" + plan.id() + "': " + e.getMessage(),
                    e);
        }
    }

    /**
     * Runs every phase up to {@code target}, skipping the ones already done: {@code EXPANDED}, {@code BACKFILLED},
     * {@code VERIFIED} or {@code CONTRACTED}. Verification is part of the way to {@code VERIFIED} and
     * {@code CONTRACTED}; contract is still refused if it finds a problem.
     *
     * @param plan the plan
     * @param target where to stop
     * @return the plan's status afterwards
     * @throws IllegalArgumentException if {@code target} is not one of the four states above
     */
    @CanIgnoreReturnValue
    public PlanStatus runTo(MigrationPlan plan, PlanState target) {
        requireNonNull(target, "target");
        if (target != PlanState.EXPANDED
                && target != PlanState.BACKFILLED
                && target != PlanState.VERIFIED
                && target != PlanState.CONTRACTED) {
            throw new IllegalArgumentException(
                    "runTo target must be EXPANDED, BACKFILLED, VERIFIED or CONTRACTED, not " + target);
        }
        PlanStatus status = expand(plan);
        if (target == PlanState.EXPANDED) {
            return status;
        }
        PlanState now = status(plan).state();
        if (now == PlanState.CONTRACTING || now == PlanState.CONTRACTED) {
            // past verification already: only contract can move the plan on
            return target == PlanState.CONTRACTED ? contract(plan) : status(plan);
        }
        backfill(plan);
        if (target == PlanState.BACKFILLED) {
            return status(plan);
        }
        if (target == PlanState.VERIFIED) {
            verify(plan);
            return status(plan);
        }
        return contract(plan); // contract verifies first
    }

    // ------------------------------------------------------------------------------------------------------ plumbing

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c, StateStore store, PostgresRenderer renderer) throws SQLException;
    }

    private <T> T session(MigrationPlan plan, String phase, Work<T> work) {
        requireNonNull(plan, "plan");
        PostgresRenderer renderer = new PostgresRenderer(plan.id(), options.stateSchema(), options.defaultSchema());
        StateStore store = new StateStore(options.stateSchema());
        try (Connection c = dataSource.getConnection()) {
            Map<String, String> saved = prepare(c, plan);
            AdvisoryLock lock;
            try {
                lock = AdvisoryLock.acquire(c, plan.id(), options.runnerLockWait(), phase);
            } catch (SQLException | RuntimeException e) {
                SessionSettings.restoreQuietly(c, saved);
                throw e;
            }
            try {
                store.requireReadable(c, plan.id());
                if (!phase.equals("expand") && store.exists(c)) {
                    // tables an earlier release created; expand upgrades them only once its checks passed
                    store.ensureSchema(c, renderer.stateSchemaDdl(), renderer.stateSchemaUpgrades(), plan.id());
                }
                checkChecksum(c, store, plan);
                try {
                    return work.run(c, store, renderer);
                } catch (TandemException e) {
                    if (!(e instanceof PlanStateException) && !(e instanceof PlanValidationException)) {
                        recordError(c, store, plan, e.getMessage());
                    }
                    throw e;
                } catch (SQLException e) {
                    recordError(c, store, plan, String.valueOf(e.getMessage()));
                    throw e;
                }
            } finally {
                lock.close();
                SessionSettings.restoreQuietly(c, saved);
            }
        } catch (SQLException e) {
            throw new StepExecutionException(
                    ErrorCode.STEP_FAILED,
                    plan.id(),
                    null,
                    phase,
                    SqlStates.of(e),
                    capitalize(phase) + " of plan '" + plan.id() + "' failed: SQLState " + SqlStates.of(e) + ": "
                            + e.getMessage()
                            + (SqlStates.connectionLost(e)
                                    ? ". The connection was lost; the work done so far is saved, run " + phase
                                            + " again to resume."
                                    : ""),
                    e);
        }
    }

    private static void recordError(Connection c, StateStore store, MigrationPlan plan, @Nullable String message) {
        try {
            if (!c.isClosed() && c.isValid(2)) {
                if (!c.getAutoCommit()) {
                    c.rollback();
                    c.setAutoCommit(true);
                }
                store.setError(c, plan.id(), String.valueOf(message));
            }
        } catch (SQLException e) {
            log.debug("{} - could not record the error: {}", plan.id(), e.getMessage());
        }
    }

    /**
     * Checks the server, pins Tandem's session settings (whatever the role's or database's defaults are) and names the
     * session; {@return the settings' previous values}, to put back when the work is done.
     */
    private Map<String, String> prepare(Connection c, MigrationPlan plan) throws SQLException {
        if (!c.getAutoCommit()) {
            c.setAutoCommit(true);
        }
        int version = Catalog.serverVersion(c);
        if (version < MIN_SERVER_VERSION) {
            throw new StepExecutionException(
                    ErrorCode.STEP_FAILED,
                    plan.id(),
                    null,
                    "connect",
                    null,
                    "Tandem needs PostgreSQL 14 or later; this server is version " + version,
                    null);
        }
        Map<String, String> saved = new LinkedHashMap<>(SessionSettings.pin(c));
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pg_catalog.current_setting('application_name'), pg_catalog.set_config('application_name', ?,"
                        + " false)")) {
            ps.setString(1, options.applicationName());
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                saved.put("application_name", rs.getString(1));
            }
        }
        return saved;
    }

    private static void checkChecksum(Connection c, StateStore store, MigrationPlan plan) throws SQLException {
        Optional<StateStore.PlanRow> row = store.find(c, plan.id());
        if (row.isEmpty() || row.get().checksum().equals(plan.checksum())) {
            return;
        }
        PlanState state = row.get().state();
        if (state == PlanState.ROLLED_BACK || state == PlanState.PENDING) {
            return; // nothing of the old plan remains; the new one may start afresh
        }
        throw new PlanStateException(
                ErrorCode.CHECKSUM_CHANGED,
                plan.id(),
                "Plan '" + plan.id() + "' changed after it started: its checksum is "
                        + plan.checksum().substring(0, 12)
                        + " but " + row.get().checksum().substring(0, 12) + " was stored when it started (state "
                        + state + "). Nothing was changed. Run the plan exactly as it started (its canonical form is"
                        + " stored in " + "tandem.plans.canonical_form), roll it back first, or give the changed plan a"
                        + " new id.");
    }

    private static StateStore.PlanRow require(Connection c, StateStore store, MigrationPlan plan, String phase)
            throws SQLException {
        Optional<StateStore.PlanRow> row = store.find(c, plan.id());
        if (row.isEmpty()) {
            throw wrongState(plan, phase, PlanState.PENDING, "run expand first");
        }
        return row.get();
    }

    private static PlanStateException wrongState(MigrationPlan plan, String phase, PlanState state, String hint) {
        return new PlanStateException(
                ErrorCode.STATE_CONFLICT,
                plan.id(),
                "Cannot " + phase + " plan '" + plan.id() + "' in state " + state + ": " + hint
                        + ". Nothing was changed.");
    }

    private static PlanStateException refusal(
            MigrationPlan plan, PlanState state, long inconsistent, long unmapped, List<UnmappedRow> examples) {
        if (state != PlanState.BACKFILLED && state != PlanState.VERIFIED) {
            return wrongState(plan, "contract", state, "run backfill and verify first");
        }
        StringBuilder why = new StringBuilder();
        if (state != PlanState.VERIFIED) {
            why.append(
                    state == PlanState.BACKFILLED && inconsistent > 0
                            ? "the last verification found " + inconsistent + " inconsistent rows"
                            : state == PlanState.BACKFILLED && inconsistent < 0
                                    ? "it has not been verified; run verify"
                                    : state == PlanState.BACKFILLED
                                            ? "the last verification did not pass"
                                            : "it is in state " + state + ", not VERIFIED; run backfill and verify");
        }
        if (unmapped > 0) {
            if (why.length() > 0) {
                why.append(", and ");
            }
            why.append(unmapped).append(" values could not be mapped (");
            List<UnmappedRow> forward = new ArrayList<>();
            for (UnmappedRow u : examples) {
                if ("forward".equals(u.direction())) {
                    forward.add(u);
                }
            }
            for (int i = 0; i < forward.size(); i++) {
                UnmappedRow u = forward.get(i);
                why.append(i == 0 ? "" : "; ")
                        .append(u.table())
                        .append(" key ")
                        .append(u.key())
                        .append(": ")
                        .append(u.reason());
            }
            why.append(unmapped > forward.size() ? "; ..." : "").append(")");
        }
        return new PlanStateException(
                ErrorCode.CONTRACT_REFUSED,
                plan.id(),
                "Contract of plan '" + plan.id() + "' refused: " + why + ". Contract drops the old representation,"
                        + " so it runs only when every row is consistent and nothing is unmapped. Fix the values"
                        + " (through either version, or with SQL) and run contract again: it verifies first, and"
                        + " verification forgets the rows that were fixed. Or call forceContract(plan, reason)."
                        + " Nothing was changed.");
    }

    private static TableFacts facts(Connection c, PostgresRenderer renderer, TableName table) throws SQLException {
        TableName t = renderer.qualify(table);
        return Catalog.table(c, t)
                .orElseThrow(
                        () -> new IllegalStateException("table " + t.quoted() + " disappeared during the migration"))
                .facts();
    }

    /**
     * Runs each unit whose steps are not all marked done, and whose required expand step (an undo's) ran; a unit marks
     * its steps in its own transaction.
     */
    private void runUnits(
            Connection c,
            StateStore store,
            MigrationPlan plan,
            List<SqlUnit> units,
            Set<String> done,
            Set<String> expanded)
            throws SQLException {
        DdlRunner runner = new DdlRunner(plan.id(), options, store);
        for (SqlUnit unit : units) {
            if (allDone(unit, done)) {
                log.debug("{} - {} already done", plan.id(), unit.label());
                continue;
            }
            if (unit.requires() != null && !expanded.contains(unit.requires().value())) {
                continue; // an undo runs only for what ran
            }
            runner.run(c, unit);
        }
    }

    private static boolean allDone(SqlUnit unit, Set<String> done) {
        return !unit.steps().isEmpty() && unit.steps().stream().allMatch(s -> done.contains(s.value()));
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
