package dev.tandem.testkit.internal;

import dev.tandem.postgres.BackfillListener;
import dev.tandem.postgres.BackfillProgress;
import dev.tandem.postgres.BackfillReport;
import dev.tandem.postgres.ExecutionListener;
import dev.tandem.postgres.PlanState;
import dev.tandem.postgres.PlanStatus;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.postgres.PostgresOptions;
import dev.tandem.postgres.UnmappedRow;
import dev.tandem.postgres.VerifyReport;
import dev.tandem.testkit.AppRole;
import dev.tandem.testkit.AppVersion;
import dev.tandem.testkit.CompatibilityReport;
import dev.tandem.testkit.CompatibilityReport.Check;
import dev.tandem.testkit.CompatibilityReport.Outcome;
import dev.tandem.testkit.CompatibilityReport.Role;
import dev.tandem.testkit.CompatibilityState;
import dev.tandem.testkit.DatabaseAction;
import dev.tandem.testkit.LockRecorder;
import dev.tandem.testkit.RecordedUnit;
import dev.tandem.testkit.RelationLock;
import dev.tandem.testkit.RowReader;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks a plan through every {@link CompatibilityState} on fresh databases and runs the application versions where
 * Tandem says they may run ({@link PlanStatus#oldVersionMayRun()}, {@link PlanStatus#newVersionMayRun()}), plus, in
 * probed states, the others, whose failures are reported as not ready. Three paths: the main one (before expand,
 * expanded, backfilling, backfilled and verified, contracted) and two rollback paths (from expanded, from backfilled),
 * each on its own database. Within expand, contract and rollback, the versions that may run are also checked after
 * every unit but the last (see {@link ExecutionListener}); what fails there is reported in the state the phase leads
 * to, naming the unit.
 */
public final class Walker {
    private static final Logger log = LoggerFactory.getLogger(Walker.class);

    /** Batches after which the backfill waits until every running version wrote again, so that writes interleave. */
    private static final int INTERLEAVED_BATCHES = 5;
    /** Rounds a version's writer thread makes at most while the backfill runs. */
    private static final int MAX_ROUNDS = 500;
    /** The application versions, old first. */
    private static final List<Role> VERSIONS = List.of(Role.OLD, Role.NEW);
    /** The point of the checks of a state, as opposed to those between the units of a phase. */
    static final String STATE_POINT = "";

    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    /** The most step ids shown for a unit in the report. */
    private static final int MAX_STEP_IDS = 3;
    /** The longest statement shown for a unit in the report. */
    private static final int MAX_STATEMENT = 120;
    /** The most unmapped values shown with a failure. */
    private static final int MAX_UNMAPPED_SHOWN = 2;

    private final WalkSettings settings;
    private final List<Check> checks = new ArrayList<>();
    private final AtomicInteger keys = new AtomicInteger();

    private Walker(WalkSettings settings) {
        this.settings = settings;
    }

    /**
     * {@return every check, in the order they ran}
     *
     * @param settings what to check
     */
    public static List<Check> walk(WalkSettings settings) {
        Walker walker = new Walker(settings);
        walker.mainPath();
        walker.rollbackPath(CompatibilityState.ROLLED_BACK_FROM_EXPANDED);
        walker.rollbackPath(CompatibilityState.ROLLED_BACK_FROM_BACKFILLED);
        return List.copyOf(walker.checks);
    }

    // ------------------------------------------------------------------------------------------------------ paths

    private void mainPath() {
        List<CompatibilityState> states = List.of(
                CompatibilityState.BEFORE_EXPAND,
                CompatibilityState.EXPANDED,
                CompatibilityState.BACKFILLING,
                CompatibilityState.BACKFILLED_VERIFIED,
                CompatibilityState.CONTRACTED);
        Path path = open(CompatibilityState.BEFORE_EXPAND, states);
        if (path == null) {
            return;
        }
        try (path) {
            if (!setUp(path, CompatibilityState.BEFORE_EXPAND, states)) {
                return;
            }
            checkState(path, CompatibilityState.BEFORE_EXPAND, settings.seedRecords());
            Window expand = phase(
                    path,
                    CompatibilityState.EXPANDED,
                    "expand",
                    () -> settings.phases().expand(path.migrator, settings.plan()));
            if (expand == null) {
                skip(states.subList(1, states.size()), "expand failed");
                return;
            }
            checkStateAfter(path, CompatibilityState.EXPANDED, expand);
            if (!backfillWithWriters(path)) {
                skip(states.subList(3, states.size()), "the backfill failed");
                return;
            }
            verify(path);
            checkState(path, CompatibilityState.BACKFILLED_VERIFIED, 1);
            Window contract = phase(
                    path,
                    CompatibilityState.CONTRACTED,
                    "contract",
                    () -> settings.phases().contract(path.migrator, settings.plan()));
            if (contract == null) {
                skip(List.of(CompatibilityState.CONTRACTED), "contract failed");
                return;
            }
            checkStateAfter(path, CompatibilityState.CONTRACTED, contract);
        }
    }

    private void rollbackPath(CompatibilityState target) {
        List<CompatibilityState> states = List.of(target);
        Path path = open(target, states);
        if (path == null) {
            return;
        }
        try (path) {
            if (!setUp(path, target, states)
                    || !prepareWrites(
                            path, target, CompatibilityState.BEFORE_EXPAND, Role.OLD, settings.seedRecords())) {
                return;
            }
            queryBaselines(path, target);
            SchemaSnapshot before;
            try {
                before = SchemaSnapshot.take(path.admin, stateSchema());
            } catch (SQLException e) {
                fail(target, Role.PLAN, "plan", "schema snapshot", Errors.describe(e));
                return;
            }
            if (!prepare(target, "expand", () -> settings.phases().expand(path.migrator, settings.plan()))) {
                skip(states, "expand failed");
                return;
            }
            if (target == CompatibilityState.ROLLED_BACK_FROM_BACKFILLED) {
                Action backfill = () -> {
                    var unused = settings.phases().backfill(path.migrator, settings.plan(), BackfillListener.NONE);
                };
                Action verify = () -> {
                    var unused = settings.phases().verify(path.migrator, settings.plan());
                };
                if (!prepare(target, "backfill", backfill) || !prepare(target, "verify", verify)) {
                    skip(states, "the phases before the rollback failed");
                    return;
                }
            }
            // What the versions that may run write before the rollback must survive it for the old version: the old
            // one alone after expand, both once the backfill is done.
            CompatibilityState writtenIn = target == CompatibilityState.ROLLED_BACK_FROM_EXPANDED
                    ? CompatibilityState.EXPANDED
                    : CompatibilityState.BACKFILLED_VERIFIED;
            Readiness ready = readiness(path, target);
            for (Role role : VERSIONS) {
                if (ready.mayRun(role) && !prepareWrites(path, target, writtenIn, role, 1)) {
                    return;
                }
            }
            Window rollback =
                    phase(path, target, "rollback", () -> settings.phases().rollback(path.migrator, settings.plan()));
            if (rollback == null) {
                skip(states, "rollback failed");
                return;
            }
            checkStateAfter(path, target, rollback);
            checkRolledBack(path, target, before);
        }
    }

    /**
     * Compares the schema after a rollback with the one before expand, then runs expand again: a rollback must leave
     * nothing behind (an index, a trigger, a function, a grant, a default) and must leave the plan able to start over.
     */
    private void checkRolledBack(Path path, CompatibilityState state, SchemaSnapshot before) {
        String operation = "rollback: schema as before expand";
        try {
            List<String> differences = before.differences(SchemaSnapshot.take(path.admin, stateSchema()));
            if (differences.isEmpty()) {
                pass(state, Role.PLAN, "plan", operation, before.size() + " objects compared");
            } else {
                int shown = Math.min(differences.size(), 5);
                fail(
                        state,
                        Role.PLAN,
                        "plan",
                        operation,
                        String.join("; ", differences.subList(0, shown))
                                + (differences.size() > shown
                                        ? " (and " + (differences.size() - shown) + " more)"
                                        : ""));
            }
        } catch (SQLException e) {
            fail(state, Role.PLAN, "plan", operation, Errors.describe(e));
        }
        try {
            settings.phases().expand(path.migrator, settings.plan());
            pass(state, Role.PLAN, "plan", "expand again after the rollback", "");
        } catch (Exception | AssertionError e) {
            fail(state, Role.PLAN, "plan", "expand again after the rollback", Errors.describe(e));
        }
    }

    /**
     * Adds to each failure of a version on the path the values Tandem recorded as unmapped for the plan, if any: a
     * version that reads {@code null} where it wrote a value is then told that the sync could not map it, and why.
     */
    private void annotateUnmapped(Path path) {
        List<UnmappedRow> rows;
        try {
            rows = path.migrator.unmapped(settings.plan(), MAX_UNMAPPED_SHOWN + 1);
        } catch (RuntimeException e) {
            log.debug(
                    "Could not read the unmapped values of {}: {}",
                    settings.plan().id(),
                    e.getMessage());
            return;
        }
        if (rows.isEmpty()) {
            return;
        }
        List<String> shown = new ArrayList<>();
        for (UnmappedRow r : rows.subList(0, Math.min(rows.size(), MAX_UNMAPPED_SHOWN))) {
            String value = r.value().length() > 40 ? r.value().substring(0, 37) + "..." : r.value();
            shown.add(r.table() + " " + r.key() + " " + r.direction() + ", value '" + value + "': " + r.reason()
                    + (r.sqlState() == null ? "" : " (SQLState " + r.sqlState() + ")") + " [" + r.stepId() + "]");
        }
        String note = "; Tandem recorded values it could not map for this plan"
                + (rows.size() > MAX_UNMAPPED_SHOWN ? " (first " + MAX_UNMAPPED_SHOWN + ")" : "") + ": "
                + String.join("; ", shown);
        for (int i = path.firstCheck; i < checks.size(); i++) {
            Check c = checks.get(i);
            if (c.failed() && c.role() != Role.PLAN) {
                checks.set(
                        i, new Check(c.state(), c.role(), c.version(), c.operation(), c.outcome(), c.detail() + note));
            }
        }
    }

    private String stateSchema() {
        return settings.options().stateSchema().value();
    }

    private @Nullable Path open(CompatibilityState first, List<CompatibilityState> states) {
        TestDatabase database;
        try {
            database = settings.databases().get();
        } catch (RuntimeException e) {
            fail(first, Role.PLAN, "plan", "create database", Errors.describe(e));
            skip(states, "no database");
            return null;
        }
        return new Path(database);
    }

    private boolean setUp(Path path, CompatibilityState state, List<CompatibilityState> states) {
        DatabaseAction schema = settings.schema();
        DatabaseAction seed = settings.seed();
        List<AppRole> roles = VersionSessions.roles(settings.oldVersion(), settings.newVersion());
        if (!roles.isEmpty()
                && !prepare(
                        state,
                        "create roles",
                        () -> VersionSessions.createRoles(path.admin, path.database.user(), roles))) {
            skip(states, "the versions' roles could not be created");
            return false;
        }
        if (schema != null && !prepare(state, "schema", () -> schema.run(path.admin))) {
            skip(states, "the schema could not be created");
            return false;
        }
        if (seed != null && !prepare(state, "seed", () -> seed.run(path.admin))) {
            skip(states, "the seed data could not be loaded");
            return false;
        }
        if (!roles.isEmpty() && !prepare(state, "grant", () -> VersionSessions.grant(path.admin, roles))) {
            skip(states, "the versions' roles could not be granted their privileges");
            return false;
        }
        if (!prepare(state, "connect", path::openPools)) {
            skip(states, "a version could not connect");
            return false;
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------------------ states

    /**
     * Runs every check of one state for the versions Tandem lets run there (and, if the state is probed, the others):
     * operations, writes, and reads of everything written before.
     */
    private void checkState(Path path, CompatibilityState state, int writesPerKind) {
        Readiness ready = readiness(path, state);
        reportReadiness(state, ready);
        exercise(path, state, STATE_POINT, ready, settings.probes().contains(state), writesPerKind, this::outcome);
        checkQueries(path, state, ready);
    }

    /**
     * EXPLAINs the declared queries of each version that may run here; the first state a version runs in sets the
     * indexes each query must keep using, and a later state whose plan reads one of their tables in a sequential scan
     * instead fails, naming the index.
     */
    private void checkQueries(Path path, CompatibilityState state, Readiness ready) {
        for (Role role : VERSIONS) {
            AppVersion v = version(role);
            if (!ready.mayRun(role)) {
                continue;
            }
            for (Map.Entry<String, String> q : v.queries().entrySet()) {
                String operation = "query plan: " + q.getKey();
                String key = role + "\0" + q.getKey();
                try {
                    QueryPlans.Shape now = QueryPlans.explain(path.dataSource(role), q.getValue());
                    Baseline before = path.baselines.get(key);
                    if (before == null) {
                        path.baselines.put(key, new Baseline(state, now));
                        pass(state, role, v.name(), operation, uses(now));
                        continue;
                    }
                    List<String> lost =
                            QueryPlans.lostIndexes(path.admin, before.shape(), now, settings.queryPlanMinRows());
                    if (lost.isEmpty()) {
                        pass(state, role, v.name(), operation, uses(now));
                    } else {
                        fail(
                                state,
                                role,
                                v.name(),
                                operation,
                                String.join("; ", lost) + " in " + before.state() + " (plan now: "
                                        + Errors.oneLine(now.text()) + ")");
                    }
                } catch (SQLException | RuntimeException e) {
                    fail(state, role, v.name(), operation, "EXPLAIN failed: " + Errors.describe(e));
                }
            }
        }
    }

    /** Takes, before expand on a rollback path, the plans the old version's declared queries must keep. */
    private void queryBaselines(Path path, CompatibilityState state) {
        for (Map.Entry<String, String> q : settings.oldVersion().queries().entrySet()) {
            try {
                path.baselines.put(
                        Role.OLD + "\0" + q.getKey(),
                        new Baseline(
                                CompatibilityState.BEFORE_EXPAND,
                                QueryPlans.explain(path.dataSource(Role.OLD), q.getValue())));
            } catch (SQLException | RuntimeException e) {
                fail(
                        state,
                        Role.OLD,
                        settings.oldVersion().name(),
                        "query plan: " + q.getKey(),
                        "EXPLAIN before expand failed: " + Errors.describe(e));
            }
        }
    }

    private static String uses(QueryPlans.Shape shape) {
        return shape.indexes().isEmpty()
                ? "uses no index"
                : "uses " + String.join(", ", shape.indexes().keySet());
    }

    /**
     * The plan a declared query had where its version first ran.
     *
     * @param state where
     * @param shape the plan
     */
    private record Baseline(CompatibilityState state, QueryPlans.Shape shape) {}

    /**
     * Runs the versions that run at one point of the walk: their operations, {@code writesPerKind} writes read back,
     * and reads of everything written before. {@code point} is {@link #STATE_POINT} for the checks of a state, or names
     * the unit after which they run between the units of a phase.
     *
     * @param probes whether a version Tandem does not let run here runs too, as a probe
     */
    private void exercise(
            Path path,
            CompatibilityState state,
            String point,
            Readiness ready,
            boolean probes,
            int writesPerKind,
            Sink sink) {
        for (Role role : VERSIONS) {
            if (!ready.mayRun(role) && !probes) {
                continue;
            }
            boolean probe = !ready.mayRun(role);
            AppVersion v = version(role);
            for (AppVersion.Operation op : v.operations()) {
                String error = null;
                try {
                    op.action().run(path.dataSource(role));
                } catch (Exception | AssertionError e) {
                    error = Errors.describe(e);
                }
                sink.outcome(state, role, v.name(), op.name(), probe, error, "");
            }
            for (String kind : v.writers().keySet()) {
                writeAndReadBack(path, state, point, role, kind, writesPerKind, probe, sink);
            }
        }
        // after every version wrote, so that each changes what the other one wrote here too
        for (Role role : VERSIONS) {
            if (!ready.mayRun(role) && !probes) {
                continue;
            }
            boolean probe = !ready.mayRun(role);
            String name = version(role).name();
            applyChanges(
                    path,
                    state,
                    point,
                    role,
                    probe,
                    (operation, error) -> sink.outcome(state, role, name, operation, probe, error, ""));
        }
        for (Role reader : VERSIONS) {
            if (ready.mayRun(reader) || probes) {
                readLedger(path, state, point, reader, !ready.mayRun(reader), sink);
            }
        }
    }

    /** {@return what the migrator's status says may run now; if it cannot be read, the rule for the usual state} */
    private Readiness readiness(Path path, CompatibilityState state) {
        try {
            return Readiness.of(path.migrator.status(settings.plan()));
        } catch (RuntimeException e) {
            fail(state, Role.PLAN, "plan", "status", Errors.describe(e));
            return Readiness.of(state.planState());
        }
    }

    /** Reports, per version, whether Tandem lets it run in this state, and whether it runs anyway as a probe. */
    private void reportReadiness(CompatibilityState state, Readiness ready) {
        for (Role role : VERSIONS) {
            String name = version(role).name();
            if (ready.mayRun(role)) {
                pass(state, role, name, CompatibilityReport.MAY_RUN, ready.why(role));
            } else {
                String probe = settings.probes().contains(state)
                        ? "; run anyway as a probe, failures reported as not ready"
                        : "";
                checks.add(new Check(
                        state, role, name, CompatibilityReport.MAY_RUN, Outcome.NOT_ALLOWED, ready.why(role) + probe));
            }
        }
    }

    /** {@return whether the version runs in this state: Tandem lets it, or the state is probed} */
    private boolean runs(Readiness ready, CompatibilityState state, Role role) {
        return ready.mayRun(role) || settings.probes().contains(state);
    }

    private void writeAndReadBack(
            Path path,
            CompatibilityState state,
            String point,
            Role role,
            String kind,
            int count,
            boolean probe,
            Sink sink) {
        AppVersion v = version(role);
        String operation = "write+read " + kind;
        for (int i = 0; i < count; i++) {
            String key = path.nextKey(state, role);
            String error = writeOne(path, state, point, role, kind, key, probe);
            if (error != null) {
                sink.outcome(
                        state,
                        role,
                        v.name(),
                        operation,
                        probe,
                        error + (count > 1 ? " (record " + (i + 1) + " of " + count + ")" : ""),
                        "");
                return;
            }
        }
        sink.outcome(state, role, v.name(), operation, probe, null, count > 1 ? count + " records" : "");
    }

    /** Writes one record and reads it back; {@return null if that worked, else what went wrong} */
    private @Nullable String writeOne(
            Path path, CompatibilityState state, String point, Role role, String kind, String key, boolean probe) {
        AppVersion v = version(role);
        DataSource ds = path.dataSource(role);
        try {
            Objects.requireNonNull(v.writers().get(kind), kind).write(ds, key);
        } catch (Exception | AssertionError e) {
            return "writing '" + key + "' failed: " + Errors.describe(e);
        }
        Object value;
        try {
            value = Objects.requireNonNull(v.readers().get(kind), kind).read(ds, key);
        } catch (Exception | AssertionError e) {
            return "wrote '" + key + "', reading it back failed: " + Errors.describe(e);
        }
        if (value == null) {
            return "wrote '" + key + "', reading it back found nothing";
        }
        path.ledger.add(new Entry(kind, key, role, state, point, value, probe));
        return null;
    }

    /** Where {@link #applyChanges} reports each change it made. */
    @FunctionalInterface
    private interface ChangeOutcome {
        void accept(String operation, @Nullable String error);
    }

    /**
     * Applies each change of the version, as {@code role}, to a record of each version (see {@link #changeLatest}),
     * and reports each one that found a record to change, named like {@code change customer: move (of v1's)}.
     */
    private void applyChanges(
            Path path, CompatibilityState state, String point, Role role, boolean probe, ChangeOutcome report) {
        for (AppVersion.Change change : version(role).changes()) {
            for (Role owner : VERSIONS) {
                String error = changeLatest(path, state, point, role, owner, change, probe);
                if (!NOTHING_TO_CHANGE.equals(error)) {
                    report.accept(
                            "change " + change.record() + ": " + change.name()
                                    + (owner == role
                                            ? ""
                                            : " (of " + version(owner).name() + "'s)"),
                            error);
                }
            }
        }
    }

    /** What {@link #changeLatest} returns when there is no record to change. */
    private static final String NOTHING_TO_CHANGE = "\0nothing to change";

    /**
     * Applies {@code change} as {@code role} to a record of its kind that {@code owner} wrote (not a probe's): the
     * oldest one no change touched yet, else the most recent, reads it back, and from then on expects that value; {@return null if that worked, {@link
     * #NOTHING_TO_CHANGE} if there is no such record, else what went wrong}
     */
    private @Nullable String changeLatest(
            Path path,
            CompatibilityState state,
            String point,
            Role role,
            Role owner,
            AppVersion.Change change,
            boolean probe) {
        AppVersion v = version(role);
        synchronized (path.ledger) {
            // the oldest record not changed yet, so that the rows from before expand are changed first (during the
            // backfill: before and after it reaches them); once all were changed, the most recent one
            int index = -1;
            for (int i = 0; i < path.ledger.size(); i++) {
                Entry e = path.ledger.get(i);
                if (e.kind().equals(change.record()) && e.author() == owner && !e.probe()) {
                    if (e.change().isEmpty()) {
                        index = i;
                        break;
                    }
                    index = i;
                }
            }
            if (index < 0) {
                return NOTHING_TO_CHANGE;
            }
            Entry target = path.ledger.get(index);
            DataSource ds = path.dataSource(role);
            try {
                change.writer().write(ds, target.key());
            } catch (Exception | AssertionError e) {
                return "changing '" + target.key() + "' failed: " + Errors.describe(e);
            }
            Object value;
            try {
                value = Objects.requireNonNull(v.readers().get(change.record()), change.record())
                        .read(ds, target.key());
            } catch (Exception | AssertionError e) {
                return "changed '" + target.key() + "', reading it back failed: " + Errors.describe(e);
            }
            if (value == null) {
                return "changed '" + target.key() + "', reading it back found nothing";
            }
            String origin = target.change().isEmpty()
                    ? "written by " + version(target.writer()).name() + " in " + target.state()
                    : target.change().substring(target.change().indexOf("; ") + 2);
            String what = v.name() + "'s '" + change.name() + "' in " + state + (point.isEmpty() ? "" : ", " + point)
                    + "; " + origin;
            path.ledger.set(
                    index,
                    new Entry(change.record(), target.key(), role, state, point, value, probe, what, target.author()));
            return null;
        }
    }

    /**
     * Has {@code reader} read every record written so far that it has not just written itself. Records of a probe are
     * read only in the state they were written in, and reads by or of a probe are probes too.
     */
    private void readLedger(
            Path path, CompatibilityState state, String point, Role reader, boolean readerProbe, Sink sink) {
        AppVersion r = version(reader);
        for (Map.Entry<String, RowReader> e : r.readers().entrySet()) {
            String kind = e.getKey();
            for (Role writer : VERSIONS) {
                List<Entry> real = new ArrayList<>();
                List<Entry> probed = new ArrayList<>();
                for (Entry entry : path.ledger) {
                    if (entry.kind().equals(kind)
                            && entry.writer() == writer
                            && mustRead(state, point, reader, entry)) {
                        (readerProbe || entry.probe() ? probed : real).add(entry);
                    }
                }
                Role role = writer == reader ? reader : (writer == Role.OLD ? Role.OLD_TO_NEW : Role.NEW_TO_OLD);
                String version = writer == reader ? r.name() : version(writer).name() + " -> " + r.name();
                String operation = (writer == reader ? "re-read " : "read ") + kind;
                for (List<Entry> entries : List.of(real, probed)) {
                    if (!entries.isEmpty()) {
                        String error = readAll(path.dataSource(reader), e.getValue(), entries, r.name());
                        sink.outcome(
                                state, role, version, operation, entries == probed, error, entries.size() + " records");
                    }
                }
            }
        }
    }

    /**
     * {@return whether the reader reads the entry at this point of the walk} Not what it just wrote itself at this
     * point (it read that back already), and a probe's records only in the state the probe ran in.
     *
     * @param state the state the walk is in
     * @param point {@link #STATE_POINT} for the checks of the state, or the unit after which the checks run
     * @param reader who reads
     * @param entry the record
     */
    static boolean mustRead(CompatibilityState state, String point, Role reader, Entry entry) {
        if (entry.writer() == reader && entry.state() == state && entry.point().equals(point)) {
            return false;
        }
        return !entry.probe() || entry.state() == state;
    }

    private @Nullable String readAll(DataSource ds, RowReader reader, List<Entry> entries, String readerName) {
        int bad = 0;
        String first = null;
        for (Entry entry : entries) {
            String problem;
            try {
                Object actual = reader.read(ds, entry.key());
                problem = Objects.equals(actual, entry.expected())
                        ? null
                        : readerName + " reads " + actual + " but "
                                + version(entry.writer()).name() + " wrote " + entry.expected()
                                + Differences.between(entry.expected(), actual);
            } catch (Exception | AssertionError e) {
                problem = "reading failed: " + Errors.describe(e);
            }
            if (problem != null) {
                bad++;
                if (first == null) {
                    String origin = entry.change().isEmpty()
                            ? "written by " + version(entry.writer()).name() + " in " + entry.state()
                                    + (entry.point().isEmpty() ? "" : ", " + entry.point())
                            : "changed by " + entry.change().replace("; ", "; first ");
                    first = "'" + entry.key() + "' (" + origin + "): " + problem;
                }
            }
        }
        return first == null
                ? null
                : first + (bad > 1 ? " (and " + (bad - 1) + " more of " + entries.size() + ")" : "");
    }

    // ------------------------------------------------------------------------------------------------------ phases

    /**
     * Runs a phase that changes the schema in units (expand, contract, rollback), and between its units the versions
     * that may run then; {@return what the checks between its units found, to report after the state's checks, or null
     * if the phase failed} Then the checks between units are reported at once.
     */
    private @Nullable Window phase(Path path, CompatibilityState state, String name, Action action) {
        path.recorder.clear();
        Window window = path.between.open(state);
        String failure = null;
        try {
            action.run();
        } catch (Exception | AssertionError e) {
            failure = Errors.describe(e);
        } finally {
            path.between.close();
        }
        if (failure != null) {
            fail(state, Role.PLAN, "plan", name, failure);
            reportBetweenUnits(state, window, List.of());
            return null;
        }
        pass(state, Role.PLAN, "plan", name, window.summary());
        checkLocks(path, state, name);
        return window;
    }

    /** Runs the checks of the state a phase led to, then reports what failed between the phase's units. */
    private void checkStateAfter(Path path, CompatibilityState state, Window window) {
        int from = checks.size();
        checkState(path, state, 1);
        reportBetweenUnits(state, window, List.copyOf(checks.subList(from, checks.size())));
    }

    /**
     * Runs, after a unit of a phase committed, the checks of every version Tandem lets run at that moment (the plan is
     * {@code EXPANDING}, {@code CONTRACTING} or {@code ROLLING_BACK}), on the versions' own pools; called on the
     * executor's thread before it starts the next unit, so never after the last unit, whose state the checks of the
     * next state cover. What the checks find goes to the window, and the walker reports it after the phase.
     */
    private void probeAfter(Path path, Window window, ExecutionListener.Unit unit) {
        String point = "after " + unit.phase() + " unit " + stepIds(unit);
        String described = point + " (" + statements(unit) + ")";
        Readiness ready;
        try {
            ready = Readiness.of(path.migrator.status(settings.plan()));
        } catch (RuntimeException e) {
            window.record(Role.PLAN, "plan", "status", Errors.describe(e), described);
            ready = Readiness.of(inProgress(unit.phase(), window.state));
        }
        window.probed(ready);
        try {
            exercise(
                    path,
                    window.state,
                    point,
                    ready,
                    false,
                    1,
                    (state, role, version, operation, probe, error, passDetail) ->
                            window.record(role, version, operation, error, described));
        } catch (RuntimeException e) {
            window.record(Role.PLAN, "plan", "checks between units", Errors.describe(e), described);
        }
    }

    /** {@return the plan's state while {@code phase} runs, whose readiness rule applies between its units} */
    private static PlanState inProgress(String phase, CompatibilityState state) {
        return switch (phase) {
            case "expand" -> PlanState.EXPANDING;
            case "contract" -> PlanState.CONTRACTING;
            case "rollback" -> PlanState.ROLLING_BACK;
            default -> state.planState();
        };
    }

    /** {@return the unit's step ids, for the report: the first three, and how many more} */
    static String stepIds(ExecutionListener.Unit unit) {
        List<String> ids = unit.stepIds();
        if (ids.isEmpty()) {
            return "(plan)";
        }
        int shown = Math.min(ids.size(), MAX_STEP_IDS);
        return String.join(", ", ids.subList(0, shown)) + (ids.size() > shown ? " +" + (ids.size() - shown) : "");
    }

    /**
     * {@return the unit's first statement on one line, shortened, and how many others it has} A {@code LOCK TABLE}
     * that opens the unit is passed over for the statement after it, which says more.
     */
    static String statements(ExecutionListener.Unit unit) {
        List<String> all = unit.statements();
        if (all.isEmpty()) {
            return "no statement";
        }
        String first = Errors.oneLine(all.get(0));
        if (all.size() > 1 && first.regionMatches(true, 0, "LOCK TABLE ", 0, "LOCK TABLE ".length())) {
            first = Errors.oneLine(all.get(1));
        }
        if (first.length() > MAX_STATEMENT) {
            first = first.substring(0, MAX_STATEMENT - 3) + "...";
        }
        int more = all.size() - 1;
        return first + (more == 0 ? "" : " +" + more + (more == 1 ? " more statement" : " more statements"));
    }

    /**
     * Fails, in the phase's state, each check that failed between the phase's units, naming the first such unit; but
     * not one that fails in the same way in the state itself (among {@code inState}), where it is reported already: a
     * record broken before the phase, for example, reads wrong after each unit too.
     */
    private void reportBetweenUnits(CompatibilityState state, Window window, List<Check> inState) {
        for (Finding f : window.findings()) {
            if (f.failures > 0 && !sameFailure(f, inState)) {
                fail(
                        state,
                        f.role,
                        f.version,
                        f.operation,
                        f.first
                                + (f.failures > 1
                                        ? " (failed after " + f.failures + " of the " + f.runs + " units it ran after)"
                                        : ""));
            }
        }
    }

    /**
     * {@return whether the state's checks hold a failure of the same check with the same error after each unit} Digits
     * are ignored, as the keys and counts in an error differ between the points of the walk.
     */
    private static boolean sameFailure(Finding f, List<Check> inState) {
        String error = f.error == null ? "" : DIGITS.matcher(f.error).replaceAll("0");
        for (Check c : inState) {
            if (c.failed()
                    && f.failures == f.runs
                    && c.role() == f.role
                    && c.version().equals(f.version)
                    && c.operation().equals(f.operation)
                    && DIGITS.matcher(c.detail()).replaceAll("0").equals(error)) {
                return true;
            }
        }
        return false;
    }

    private void checkLocks(Path path, CompatibilityState state, String phase) {
        List<RecordedUnit> units = path.recorder.units(phase);
        List<String> problems = new ArrayList<>();
        RelationLock strongest = null;
        List<String> acceptedNotes = new ArrayList<>();
        for (RecordedUnit u : units) {
            String where = u.stepIds().isEmpty() ? phase : String.join(", ", u.stepIds());
            String reason = acceptance(u);
            for (String finding : blockingWork(u)) {
                if (reason != null) {
                    acceptedNotes.add(where + " accepted (" + reason + ")");
                } else {
                    problems.add(finding + " (" + where + ": " + Errors.oneLine(statementFor(u, finding)) + "); "
                            + "build it so that it does not block writes for a full scan, or accept it with"
                            + " acceptBlockingWork(\""
                            + (u.stepIds().isEmpty() ? phase : u.stepIds().get(0))
                            + "\", reason)");
                }
            }
            if (!settings.allowRewrites() && reason == null) {
                for (var t : u.rewritten()) {
                    problems.add("rewrote " + t + " (" + where + ": " + Errors.oneLine(first(u)) + ")");
                }
            }
            for (RelationLock l : u.locks()) {
                if (l.mode().blocksReads() && l.held().compareTo(settings.maxReadBlockingLock()) > 0) {
                    problems.add(l + ", longer than "
                            + settings.maxReadBlockingLock().toMillis() + " ms, blocking reads (" + where + ")");
                }
                if (strongest == null || l.mode().compareTo(strongest.mode()) > 0) {
                    strongest = l;
                }
            }
        }
        String operation = phase + ": locks and rewrites";
        if (problems.isEmpty()) {
            String detail = strongest == null ? "no table lock" : "strongest " + strongest;
            pass(
                    state,
                    Role.PLAN,
                    "plan",
                    operation,
                    acceptedNotes.isEmpty() ? detail : detail + "; " + String.join("; ", acceptedNotes));
        } else {
            fail(state, Role.PLAN, "plan", operation, String.join("; ", problems));
        }
    }

    /**
     * {@return what the unit did under a lock that blocks writes on the table it worked on, as PostgreSQL reported it:
     * a full scan of the table (read in a sequential scan in the unit's transaction) or a rewrite} Empty for a unit
     * that blocked nobody for longer than its catalog changes take, however long it ran on the test's rows.
     */
    static List<String> blockingWork(RecordedUnit u) {
        List<String> out = new ArrayList<>();
        for (RelationLock l : u.locks()) {
            if (!l.mode().blocksWrites()) {
                continue;
            }
            String table = l.table().toString();
            boolean rewrote = u.rewritten().stream().anyMatch(t -> t.toString().equals(table));
            boolean scanned = u.scanned().stream().anyMatch(t -> t.toString().equals(table));
            if (scanned && !rewrote) {
                out.add("held " + l.mode().sqlName() + " on " + table + " while it read all of " + table
                        + " in a sequential scan (writes" + (l.mode().blocksReads() ? " and reads" : "")
                        + " wait for the whole scan, however large the table)");
            }
        }
        return out;
    }

    /** {@return the reason the test accepts the unit's blocking work with, or null} */
    private @Nullable String acceptance(RecordedUnit u) {
        for (String id : u.stepIds()) {
            String reason = settings.accepted().get(id);
            if (reason != null) {
                return reason;
            }
        }
        return null;
    }

    /** {@return the unit's statement that names the table of the finding, or its last one} */
    private static String statementFor(RecordedUnit u, String finding) {
        for (RelationLock l : u.locks()) {
            if (finding.contains(" on " + l.table() + " ")) {
                String name = l.table().name().value();
                for (String sql : u.statements()) {
                    if (sql.contains(name) && !sql.regionMatches(true, 0, "LOCK TABLE", 0, 10)) {
                        return Matrix.cap(sql);
                    }
                }
            }
        }
        return first(u);
    }

    private static String first(RecordedUnit u) {
        return u.statements().isEmpty()
                ? ""
                : Matrix.cap(u.statements().get(u.statements().size() - 1));
    }

    private void verify(Path path) {
        CompatibilityState state = CompatibilityState.BACKFILLED_VERIFIED;
        try {
            VerifyReport report = settings.phases().verify(path.migrator, settings.plan());
            if (report.contractable()) {
                pass(state, Role.PLAN, "plan", "verify", report.rowsChecked() + " rows consistent");
            } else {
                fail(state, Role.PLAN, "plan", "verify", Errors.oneLine(report.toString()));
            }
        } catch (Exception | AssertionError e) {
            fail(state, Role.PLAN, "plan", "verify", Errors.describe(e));
        }
    }

    /**
     * Runs the backfill while the versions Tandem lets run during it (the old one; the new one too if the state is
     * probed) write from their own threads; {@return whether the backfill worked}
     */
    private boolean backfillWithWriters(Path path) {
        CompatibilityState state = CompatibilityState.BACKFILLING;
        // While the backfill runs the plan is BACKFILLING; ask Tandem's rule for that state before anyone starts.
        Readiness ready = Readiness.of(PlanState.BACKFILLING);
        reportReadiness(state, ready);
        AtomicBoolean done = new AtomicBoolean();
        List<Role> roles = new ArrayList<>();
        List<String> notRun = new ArrayList<>();
        for (Role role : VERSIONS) {
            AppVersion v = version(role);
            if (!runs(ready, state, role)) {
                notRun.add(v.name());
            } else if (!v.operations().isEmpty() || !v.writers().isEmpty()) {
                roles.add(role);
            }
        }
        Progress progress = new Progress(roles.size());
        List<Writer> writers = new ArrayList<>();
        for (int i = 0; i < roles.size(); i++) {
            Role role = roles.get(i);
            Role other = role == Role.OLD ? Role.NEW : Role.OLD;
            writers.add(new Writer(
                    path,
                    role,
                    i,
                    done,
                    progress,
                    !ready.mayRun(role),
                    runs(ready, state, other),
                    !ready.mayRun(other)));
        }
        Interleave listener = new Interleave(progress, settings.writerTimeout());
        for (Writer w : writers) {
            w.thread.start();
        }
        BackfillReport report = null;
        String failure = null;
        // the units after the backfill (validations, index builds, raw steps) are checked between each other too
        Window between = path.between.open(state);
        try {
            report = settings.phases().backfill(path.migrator, settings.plan(), listener);
        } catch (Exception | AssertionError e) {
            failure = Errors.describe(e);
        } finally {
            path.between.close();
            done.set(true);
        }
        for (Writer w : writers) {
            w.join(settings.writerTimeout());
        }
        for (Writer w : writers) {
            w.report();
        }
        reportBetweenUnits(state, between, List.of());
        if (failure != null) {
            fail(state, Role.PLAN, "plan", "backfill", failure);
            return false;
        }
        StringBuilder detail = new StringBuilder();
        if (report != null) {
            detail.append(report.rowsFilled())
                    .append(" rows in ")
                    .append(report.batches())
                    .append(" batches");
            if (report.rowwiseBatches() > 0) {
                detail.append(" (").append(report.rowwiseBatches()).append(" split to find unmappable rows)");
            }
        }
        for (Writer w : writers) {
            detail.append(detail.length() == 0 ? "" : "; ")
                    .append(version(w.role).name())
                    .append(w.probe ? " (probed)" : "")
                    .append(" ran ")
                    .append(w.rounds.get())
                    .append(" rounds meanwhile");
        }
        for (String name : notRun) {
            detail.append(detail.length() == 0 ? "" : "; ").append(name).append(" not run: it may not run yet");
        }
        String afterBackfill = between.summary();
        if (!afterBackfill.isEmpty()) {
            detail.append("; after it ").append(afterBackfill);
        }
        if (listener.stalled != null) {
            fail(state, Role.PLAN, "plan", "backfill", listener.stalled + "; " + detail);
        } else {
            pass(state, Role.PLAN, "plan", "backfill", detail.toString());
        }
        return true;
    }

    /** Batches done and writer rounds done, under one monitor so that the backfill can wait for the writers. */
    private static final class Progress {
        private final int[] rounds;

        Progress(int writers) {
            rounds = new int[writers];
        }

        synchronized void roundDone(int writer) {
            rounds[writer]++;
            notifyAll();
        }

        synchronized int[] snapshot() {
            return rounds.clone();
        }

        /** Waits until every writer finished a round after {@code since}; {@return false on timeout} */
        synchronized boolean awaitRoundsAfter(int[] since, long deadlineNanos) throws InterruptedException {
            while (true) {
                boolean all = true;
                for (int i = 0; i < rounds.length; i++) {
                    all &= rounds[i] > since[i];
                }
                if (all) {
                    return true;
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }

    /** After each of the first batches, lets every version finish a round of writes before the next batch. */
    private static final class Interleave implements BackfillListener {
        private final Progress progress;
        private final long timeoutNanos;
        private int batches;
        volatile @Nullable String stalled;

        Interleave(Progress progress, java.time.Duration timeout) {
            this.progress = progress;
            this.timeoutNanos = timeout.toNanos();
        }

        @Override
        public void onProgress(BackfillProgress p) {
            if (++batches > INTERLEAVED_BATCHES || stalled != null) {
                return;
            }
            try {
                if (!progress.awaitRoundsAfter(progress.snapshot(), System.nanoTime() + timeoutNanos)) {
                    stalled =
                            "an application version made no progress for " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                                    + " ms while the backfill waited after batch " + batches;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Tally of one operation on a writer thread. */
    private static final class Tally {
        final Role role;
        final String version;
        final boolean probe;
        int runs;
        int failures;

        @Nullable
        String firstError;

        Tally(Role role, String version, boolean probe) {
            this.role = role;
            this.version = version;
            this.probe = probe;
        }
    }

    /**
     * One version's thread during the backfill: rounds of operations, writes and, if the other version runs during the
     * backfill too, cross-version reads.
     */
    private final class Writer {
        final Path path;
        final Role role;
        final int index;
        final AtomicBoolean done;
        final Progress progress;
        /** Whether this version may not run during the backfill and runs as a probe. */
        final boolean probe;
        /** Whether the other version runs during the backfill, so that it reads what this one wrote. */
        final boolean otherRuns;
        /** Whether the other version runs as a probe. */
        final boolean otherProbe;

        final AtomicInteger rounds = new AtomicInteger();
        final Map<String, Tally> tallies = new LinkedHashMap<>();
        final Thread thread;
        volatile @Nullable Throwable crashed;

        Writer(
                Path path,
                Role role,
                int index,
                AtomicBoolean done,
                Progress progress,
                boolean probe,
                boolean otherRuns,
                boolean otherProbe) {
            this.path = path;
            this.role = role;
            this.index = index;
            this.done = done;
            this.progress = progress;
            this.probe = probe;
            this.otherRuns = otherRuns;
            this.otherProbe = otherProbe;
            this.thread =
                    new Thread(this::loop, "tandem-compat-" + version(role).name());
            thread.setDaemon(true);
        }

        private void loop() {
            try {
                while (rounds.get() < MAX_ROUNDS && !(done.get() && rounds.get() > 0)) {
                    round();
                    rounds.incrementAndGet();
                    progress.roundDone(index);
                }
            } catch (RuntimeException | Error e) {
                crashed = e;
            }
        }

        private void round() {
            CompatibilityState state = CompatibilityState.BACKFILLING;
            AppVersion v = version(role);
            DataSource ds = path.dataSource(role);
            for (AppVersion.Operation op : v.operations()) {
                String error = null;
                try {
                    op.action().run(ds);
                } catch (Exception | AssertionError e) {
                    error = Errors.describe(e);
                }
                count(role, v.name(), op.name(), error, probe);
            }
            Role otherRole = role == Role.OLD ? Role.NEW : Role.OLD;
            AppVersion other = version(otherRole);
            for (String kind : v.writers().keySet()) {
                String key = path.nextKey(state, role);
                String error = writeOne(path, state, STATE_POINT, role, kind, key, probe);
                count(role, v.name(), "write+read " + kind, error, probe);
                RowReader reader = other.readers().get(kind);
                if (error != null || reader == null || !otherRuns) {
                    continue;
                }
                Entry written = null;
                for (Entry e : path.ledger) {
                    if (e.key().equals(key)) {
                        written = e;
                    }
                }
                if (written == null) {
                    continue;
                }
                Role cross = role == Role.OLD ? Role.OLD_TO_NEW : Role.NEW_TO_OLD;
                String crossError = readAll(path.dataSource(otherRole), reader, List.of(written), other.name());
                count(cross, v.name() + " -> " + other.name(), "read " + kind, crossError, probe || otherProbe);
            }
            applyChanges(
                    path,
                    state,
                    STATE_POINT,
                    role,
                    probe,
                    (operation, error) -> count(role, v.name(), operation, error, probe));
        }

        private void count(Role r, String version, String operation, @Nullable String error, boolean probed) {
            Tally t = tallies.computeIfAbsent(version + "\0" + operation, k -> new Tally(r, version, probed));
            t.runs++;
            if (error != null) {
                t.failures++;
                if (t.firstError == null) {
                    t.firstError = error;
                }
            }
        }

        void join(java.time.Duration timeout) {
            try {
                thread.join(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Adds this writer's checks; called on the walker's thread after {@link #join}. */
        void report() {
            CompatibilityState state = CompatibilityState.BACKFILLING;
            if (thread.isAlive()) {
                outcome(
                        state,
                        role,
                        version(role).name(),
                        "run while backfilling",
                        probe,
                        "still running " + settings.writerTimeout().toMillis()
                                + " ms after the backfill ended; an operation hangs",
                        "");
                return;
            }
            Throwable c = crashed;
            if (c != null) {
                outcome(state, role, version(role).name(), "run while backfilling", probe, Errors.describe(c), "");
            }
            for (Map.Entry<String, Tally> e : tallies.entrySet()) {
                Tally t = e.getValue();
                String operation = e.getKey().substring(e.getKey().indexOf('\0') + 1);
                outcome(
                        state,
                        t.role,
                        t.version,
                        operation,
                        t.probe,
                        t.failures == 0
                                ? null
                                : "failed " + t.failures + " of " + t.runs + " runs" + " during the backfill; first: "
                                        + t.firstError,
                        t.runs + " runs during the backfill");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------ helpers

    private boolean prepare(CompatibilityState state, String what, Action action) {
        try {
            action.run();
            return true;
        } catch (Exception | AssertionError e) {
            fail(state, Role.PLAN, "plan", what, Errors.describe(e));
            return false;
        }
    }

    private boolean prepareWrites(
            Path path, CompatibilityState target, CompatibilityState writtenIn, Role role, int count) {
        AppVersion v = version(role);
        for (String kind : v.writers().keySet()) {
            for (int i = 0; i < count; i++) {
                String error = writeOne(path, writtenIn, STATE_POINT, role, kind, path.nextKey(writtenIn, role), false);
                if (error != null) {
                    fail(
                            target,
                            role,
                            v.name(),
                            "before the rollback, in " + writtenIn + ": write+read " + kind,
                            error);
                    return false;
                }
            }
        }
        return true;
    }

    private void skip(List<CompatibilityState> states, String why) {
        for (CompatibilityState s : states) {
            checks.add(new Check(s, Role.PLAN, "plan", "reach state", Outcome.SKIPPED, why));
        }
    }

    /**
     * Adds a version's check: passed without an error; with one, failed, or not ready for a probe of a version that
     * may not run in this state.
     */
    private void outcome(
            CompatibilityState state,
            Role role,
            String version,
            String operation,
            boolean probe,
            @Nullable String error,
            String passDetail) {
        if (error == null) {
            String note = probe ? "probed where it may not run" : "";
            pass(state, role, version, operation, join(note, passDetail));
        } else if (probe) {
            log.debug("{} - {} | {} | {}: not ready: {}", settings.plan().id(), state, version, operation, error);
            checks.add(new Check(state, role, version, operation, Outcome.NOT_READY, error));
        } else {
            fail(state, role, version, operation, error);
        }
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : a + "; " + b;
    }

    private void pass(CompatibilityState state, Role role, String version, String operation, String detail) {
        checks.add(new Check(state, role, version, operation, Outcome.PASSED, detail));
    }

    private void fail(CompatibilityState state, Role role, String version, String operation, String detail) {
        log.debug("{} - {} | {} | {}: {}", settings.plan().id(), state, version, operation, detail);
        checks.add(new Check(state, role, version, operation, Outcome.FAILED, detail));
    }

    private AppVersion version(Role role) {
        return role == Role.OLD ? settings.oldVersion() : settings.newVersion();
    }

    /** Something that may fail. */
    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    /** Where the outcome of a version's check goes: the report, or the window of a phase's units. */
    @FunctionalInterface
    private interface Sink {
        void outcome(
                CompatibilityState state,
                Role role,
                String version,
                String operation,
                boolean probe,
                @Nullable String error,
                String passDetail);
    }

    /** How often one check ran between the units of a phase, and the first unit after which it failed. */
    private static final class Finding {
        final Role role;
        final String version;
        final String operation;
        int runs;
        int failures;

        /** The first failure, after which unit and what went wrong. */
        @Nullable
        String first;

        /** The first failure's error alone. */
        @Nullable
        String error;

        Finding(Role role, String version, String operation) {
            this.role = role;
            this.version = version;
            this.operation = operation;
        }
    }

    /**
     * What the checks between the units of one phase found: filled on the executor's thread while the phase runs,
     * reported by the walker after it.
     */
    private final class Window {
        final CompatibilityState state;
        private int units;
        private int points;
        private ExecutionListener.@Nullable Unit pending;
        private final Set<String> versions = new LinkedHashSet<>();
        private final Map<String, Finding> findings = new LinkedHashMap<>();

        Window(CompatibilityState state) {
            this.state = state;
        }

        /** A unit committed; the checks after it run before the next unit starts, if one does. */
        synchronized void committed(ExecutionListener.Unit unit) {
            units++;
            pending = unit;
        }

        /** {@return the committed unit not checked yet, if any, now counted as checked} */
        synchronized ExecutionListener.@Nullable Unit takePending() {
            ExecutionListener.Unit unit = pending;
            pending = null;
            return unit;
        }

        synchronized void probed(Readiness ready) {
            points++;
            for (Role role : VERSIONS) {
                if (ready.mayRun(role)) {
                    versions.add(version(role).name());
                }
            }
        }

        synchronized void record(Role role, String version, String operation, @Nullable String error, String unit) {
            Finding f = findings.computeIfAbsent(
                    role + "\0" + version + "\0" + operation, k -> new Finding(role, version, operation));
            f.runs++;
            if (error != null) {
                f.failures++;
                if (f.first == null) {
                    f.first = unit + ": " + error;
                    f.error = error;
                }
            }
        }

        synchronized List<Finding> findings() {
            return List.copyOf(findings.values());
        }

        /** {@return how many units ran, and which versions were checked between them how often; empty if none ran} */
        synchronized String summary() {
            if (units == 0) {
                return "";
            }
            String text = units + (units == 1 ? " unit" : " units");
            if (points == 0) {
                return text;
            }
            return text + "; " + String.join(", ", versions) + " checked between them, "
                    + (points == 1 ? "once" : points + " times");
        }
    }

    /**
     * Listens to the executor of a path's migrator: after each unit of the phase the walker is running commits, runs
     * the checks of the versions that may run then, on their own pools, before the executor starts the next unit. The
     * executor's connection then holds no lock of a unit, and the checks return every connection they take.
     */
    private final class Between implements ExecutionListener {
        private final Path path;
        private volatile @Nullable Window window;

        Between(Path path) {
            this.path = path;
        }

        /** {@return the window of a phase about to run}; checks run between its units if the settings say so */
        Window open(CompatibilityState state) {
            Window w = new Window(state);
            if (settings.betweenUnits()) {
                window = w;
            }
            return w;
        }

        void close() {
            window = null;
        }

        @Override
        public void beforeUnit(Unit unit, Connection connection) {
            Window w = window;
            if (w == null) {
                return;
            }
            Unit done = w.takePending();
            if (done != null) {
                probeAfter(path, w, done);
            }
        }

        @Override
        public void afterUnit(Unit unit, Duration took) {
            Window w = window;
            if (w != null) {
                w.committed(unit);
            }
        }
    }

    /**
     * A record a version wrote, and what that version read back right after.
     *
     * @param kind the kind of record
     * @param key its key
     * @param writer who wrote it
     * @param state when
     * @param point {@link #STATE_POINT} if written by the checks of the state, else the unit of a phase after which
     *     it was written, such as {@code after expand unit raw-1/expand}
     * @param expected what the writer read back
     * @param probe whether it was written by a probe of a version that may not run in that state
     * @param change empty for a record as written; else the change that last changed it, by {@code writer} in {@code
     *     state}, and where it was first written, for the report
     * @param author the version that wrote the record first; {@code writer} changed it last
     */
    record Entry(
            String kind,
            String key,
            Role writer,
            CompatibilityState state,
            String point,
            Object expected,
            boolean probe,
            String change,
            Role author) {
        /** {@return a record written, not changed} */
        Entry(
                String kind,
                String key,
                Role writer,
                CompatibilityState state,
                String point,
                Object expected,
                boolean probe) {
            this(kind, key, writer, state, point, expected, probe, "", writer);
        }
    }

    /** One fresh database with its pools, migrator, lock recorder and the records written so far. */
    private final class Path implements AutoCloseable {
        final TestDatabase database;
        final DataSource admin;
        private @Nullable DataSource oldPool;
        private @Nullable DataSource newPool;
        final LockRecorder recorder;
        final Between between;
        final PostgresMigrator migrator;
        final List<Entry> ledger = new CopyOnWriteArrayList<>();
        /** The index of the first check of this path. */
        final int firstCheck = checks.size();
        /** The plans of the declared queries where their version first ran, by role and query name. */
        final Map<String, Baseline> baselines = new java.util.concurrent.ConcurrentHashMap<>();

        Path(TestDatabase database) {
            this.database = database;
            this.admin = database.dataSource();
            this.recorder = LockRecorder.create(admin);
            this.between = new Between(this);
            PostgresOptions options = settings.options();
            if (settings.betweenUnits()) {
                // before the recorder's listener, so that the checks between units are not counted as the next unit's
                options = options.withListener(ExecutionListener.compose(options.listener(), between));
            }
            int batch = settings.batchSize();
            this.migrator =
                    PostgresMigrator.create(admin, recorder.attachTo(options).withBatchSizes(batch, batch, batch));
        }

        /**
         * Opens each version's pool, as two deployments would have their own; application_name tells them apart unless
         * a version sets its own. Each pool connects once, so that a role that cannot log in fails here.
         */
        void openPools() throws SQLException {
            DataSource old = VersionSessions.pool(database, settings.oldVersion(), "tandem-compat-old");
            oldPool = old;
            DataSource neu = VersionSessions.pool(database, settings.newVersion(), "tandem-compat-new");
            newPool = neu;
            for (DataSource ds : List.of(old, neu)) {
                try (Connection c = ds.getConnection()) {
                    c.isValid(5);
                }
            }
        }

        DataSource dataSource(Role role) {
            DataSource ds = role == Role.OLD ? oldPool : newPool;
            if (ds == null) {
                throw new IllegalStateException("the versions' pools are opened after the schema and the seed");
            }
            return ds;
        }

        String nextKey(CompatibilityState state, Role role) {
            String prefix = switch (state) {
                case BEFORE_EXPAND -> "seed";
                case EXPANDED -> "exp";
                case BACKFILLING -> "bf";
                case BACKFILLED_VERIFIED -> "ver";
                case CONTRACTED -> "con";
                case ROLLED_BACK_FROM_EXPANDED -> "rbe";
                case ROLLED_BACK_FROM_BACKFILLED -> "rbb";
            };
            return prefix + "-" + role.name().toLowerCase(Locale.ROOT) + "-" + keys.incrementAndGet();
        }

        @Override
        public void close() {
            annotateUnmapped(this);
            try {
                database.close();
            } catch (RuntimeException e) {
                log.warn("Could not drop the compatibility test database {}: {}", database.name(), e.getMessage());
            }
        }
    }
}
