package dev.tandem.testkit.internal;

import dev.tandem.postgres.BackfillListener;
import dev.tandem.postgres.BackfillProgress;
import dev.tandem.postgres.BackfillReport;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.postgres.VerifyReport;
import dev.tandem.testkit.AppVersion;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks a plan through every {@link CompatibilityState} on fresh databases and runs the application versions where they
 * must work. Three paths: the main one (before expand, expanded, backfilling, backfilled and verified, contracted) and
 * two rollback paths (from expanded, from backfilled), each on its own database.
 */
public final class Walker {
    private static final Logger log = LoggerFactory.getLogger(Walker.class);

    /** Batches after which the backfill waits until both versions wrote again, so that writes interleave. */
    private static final int INTERLEAVED_BATCHES = 5;
    /** Rounds a version's writer thread makes at most while the backfill runs. */
    private static final int MAX_ROUNDS = 500;

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
            if (!phase(
                    path,
                    CompatibilityState.EXPANDED,
                    "expand",
                    () -> settings.phases().expand(path.migrator, settings.plan()))) {
                skip(states.subList(1, states.size()), "expand failed");
                return;
            }
            checkState(path, CompatibilityState.EXPANDED, 1);
            if (!backfillWithWriters(path)) {
                skip(states.subList(3, states.size()), "the backfill failed");
                return;
            }
            verify(path);
            checkState(path, CompatibilityState.BACKFILLED_VERIFIED, 1);
            if (!phase(
                    path,
                    CompatibilityState.CONTRACTED,
                    "contract",
                    () -> settings.phases().contract(path.migrator, settings.plan()))) {
                skip(List.of(CompatibilityState.CONTRACTED), "contract failed");
                return;
            }
            checkState(path, CompatibilityState.CONTRACTED, 1);
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
            // What both versions write before the rollback must survive it for the old version.
            CompatibilityState before = target == CompatibilityState.ROLLED_BACK_FROM_EXPANDED
                    ? CompatibilityState.EXPANDED
                    : CompatibilityState.BACKFILLED_VERIFIED;
            if (!prepareWrites(path, target, before, Role.OLD, 1)
                    || !prepareWrites(path, target, before, Role.NEW, 1)) {
                return;
            }
            if (!phase(path, target, "rollback", () -> settings.phases().rollback(path.migrator, settings.plan()))) {
                skip(states, "rollback failed");
                return;
            }
            checkState(path, target, 1);
        }
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
        if (schema != null && !prepare(state, "schema", () -> schema.run(path.admin))) {
            skip(states, "the schema could not be created");
            return false;
        }
        if (seed != null && !prepare(state, "seed", () -> seed.run(path.admin))) {
            skip(states, "the seed data could not be loaded");
            return false;
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------------------ states

    /** Runs every check of one state: operations, writes, and reads of everything written before. */
    private void checkState(Path path, CompatibilityState state, int writesPerKind) {
        for (Role role : List.of(Role.OLD, Role.NEW)) {
            if (!mustWork(state, role)) {
                continue;
            }
            AppVersion v = version(role);
            for (AppVersion.Operation op : v.operations()) {
                run(state, role, v.name(), op.name(), () -> op.action().run(path.dataSource(role)));
            }
            for (String kind : v.writers().keySet()) {
                writeAndReadBack(path, state, role, kind, writesPerKind);
            }
        }
        for (Role reader : List.of(Role.OLD, Role.NEW)) {
            if (mustWork(state, reader)) {
                readLedger(path, state, reader);
            }
        }
    }

    private void writeAndReadBack(Path path, CompatibilityState state, Role role, String kind, int count) {
        AppVersion v = version(role);
        String operation = "write+read " + kind;
        for (int i = 0; i < count; i++) {
            String key = path.nextKey(state, role);
            String error = writeOne(path, state, role, kind, key);
            if (error != null) {
                fail(
                        state,
                        role,
                        v.name(),
                        operation,
                        error + (count > 1 ? " (record " + (i + 1) + " of " + count + ")" : ""));
                return;
            }
        }
        pass(state, role, v.name(), operation, count > 1 ? count + " records" : "");
    }

    /** Writes one record and reads it back; {@return null if that worked, else what went wrong} */
    private @Nullable String writeOne(Path path, CompatibilityState state, Role role, String kind, String key) {
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
        path.ledger.add(new Entry(kind, key, role, state, value));
        return null;
    }

    private void readLedger(Path path, CompatibilityState state, Role reader) {
        AppVersion r = version(reader);
        for (Map.Entry<String, RowReader> e : r.readers().entrySet()) {
            String kind = e.getKey();
            for (Role writer : List.of(Role.OLD, Role.NEW)) {
                List<Entry> entries = new ArrayList<>();
                for (Entry entry : path.ledger) {
                    if (entry.kind().equals(kind)
                            && entry.writer() == writer
                            && !(writer == reader && entry.state() == state)
                            && mustRead(state, reader, entry)) {
                        entries.add(entry);
                    }
                }
                if (entries.isEmpty()) {
                    continue;
                }
                Role role = writer == reader ? reader : (writer == Role.OLD ? Role.OLD_TO_NEW : Role.NEW_TO_OLD);
                String version = writer == reader ? r.name() : version(writer).name() + " -> " + r.name();
                String operation = (writer == reader ? "re-read " : "read ") + kind;
                String error = readAll(path.dataSource(reader), e.getValue(), entries, r.name());
                if (error == null) {
                    pass(state, role, version, operation, entries.size() + " records");
                } else {
                    fail(state, role, version, operation, error);
                }
            }
        }
    }

    /** {@return whether the reader must see the entry correctly in this state} */
    static boolean mustRead(CompatibilityState state, Role reader, Entry entry) {
        // Records from before expand reach the new representation only through the backfill.
        return !(reader == Role.NEW && entry.state() == CompatibilityState.BEFORE_EXPAND && !state.backfillDone());
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
                                + version(entry.writer()).name() + " wrote " + entry.expected();
            } catch (Exception | AssertionError e) {
                problem = "reading failed: " + Errors.describe(e);
            }
            if (problem != null) {
                bad++;
                if (first == null) {
                    first = "'" + entry.key() + "' (written by "
                            + version(entry.writer()).name() + " in " + entry.state() + "): " + problem;
                }
            }
        }
        return first == null
                ? null
                : first + (bad > 1 ? " (and " + (bad - 1) + " more of " + entries.size() + ")" : "");
    }

    // ------------------------------------------------------------------------------------------------------ phases

    private boolean phase(Path path, CompatibilityState state, String name, Action action) {
        path.recorder.clear();
        try {
            action.run();
        } catch (Exception | AssertionError e) {
            fail(state, Role.PLAN, "plan", name, Errors.describe(e));
            return false;
        }
        pass(state, Role.PLAN, "plan", name, "");
        checkLocks(path, state, name);
        return true;
    }

    private void checkLocks(Path path, CompatibilityState state, String phase) {
        List<RecordedUnit> units = path.recorder.units(phase);
        List<String> problems = new ArrayList<>();
        RelationLock strongest = null;
        for (RecordedUnit u : units) {
            String where = u.stepIds().isEmpty() ? phase : String.join(", ", u.stepIds());
            if (!settings.allowRewrites()) {
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
            pass(state, Role.PLAN, "plan", operation, strongest == null ? "no table lock" : "strongest " + strongest);
        } else {
            fail(state, Role.PLAN, "plan", operation, String.join("; ", problems));
        }
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

    /** Runs the backfill while both versions write from their own threads; {@return whether the backfill worked} */
    private boolean backfillWithWriters(Path path) {
        CompatibilityState state = CompatibilityState.BACKFILLING;
        AtomicBoolean done = new AtomicBoolean();
        List<Role> roles = new ArrayList<>();
        for (Role role : List.of(Role.OLD, Role.NEW)) {
            AppVersion v = version(role);
            if (!v.operations().isEmpty() || !v.writers().isEmpty()) {
                roles.add(role);
            }
        }
        Progress progress = new Progress(roles.size());
        List<Writer> writers = new ArrayList<>();
        for (int i = 0; i < roles.size(); i++) {
            writers.add(new Writer(path, roles.get(i), i, done, progress));
        }
        Interleave listener = new Interleave(progress, settings.writerTimeout());
        for (Writer w : writers) {
            w.thread.start();
        }
        BackfillReport report = null;
        String failure = null;
        try {
            report = settings.phases().backfill(path.migrator, settings.plan(), listener);
        } catch (Exception | AssertionError e) {
            failure = Errors.describe(e);
        } finally {
            done.set(true);
        }
        for (Writer w : writers) {
            w.join(settings.writerTimeout());
        }
        for (Writer w : writers) {
            w.report();
        }
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
        }
        for (Writer w : writers) {
            detail.append(detail.length() == 0 ? "" : "; ")
                    .append(version(w.role).name())
                    .append(" ran ")
                    .append(w.rounds.get())
                    .append(" rounds meanwhile");
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
        int runs;
        int failures;

        @Nullable
        String firstError;

        Tally(Role role, String version) {
            this.role = role;
            this.version = version;
        }
    }

    /** One version's thread during the backfill: rounds of operations, writes and cross-version reads. */
    private final class Writer {
        final Path path;
        final Role role;
        final int index;
        final AtomicBoolean done;
        final Progress progress;
        final AtomicInteger rounds = new AtomicInteger();
        final Map<String, Tally> tallies = new LinkedHashMap<>();
        final Thread thread;
        volatile @Nullable Throwable crashed;

        Writer(Path path, Role role, int index, AtomicBoolean done, Progress progress) {
            this.path = path;
            this.role = role;
            this.index = index;
            this.done = done;
            this.progress = progress;
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
                count(role, v.name(), op.name(), error);
            }
            Role otherRole = role == Role.OLD ? Role.NEW : Role.OLD;
            AppVersion other = version(otherRole);
            for (String kind : v.writers().keySet()) {
                String key = path.nextKey(state, role);
                String error = writeOne(path, state, role, kind, key);
                count(role, v.name(), "write+read " + kind, error);
                RowReader reader = other.readers().get(kind);
                if (error != null || reader == null) {
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
                count(cross, v.name() + " -> " + other.name(), "read " + kind, crossError);
            }
        }

        private void count(Role r, String version, String operation, @Nullable String error) {
            Tally t = tallies.computeIfAbsent(version + "\0" + operation, k -> new Tally(r, version));
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
                fail(
                        state,
                        role,
                        version(role).name(),
                        "run while backfilling",
                        "still running " + settings.writerTimeout().toMillis()
                                + " ms after the backfill ended; an operation hangs");
                return;
            }
            Throwable c = crashed;
            if (c != null) {
                fail(state, role, version(role).name(), "run while backfilling", Errors.describe(c));
            }
            for (Map.Entry<String, Tally> e : tallies.entrySet()) {
                Tally t = e.getValue();
                String operation = e.getKey().substring(e.getKey().indexOf('\0') + 1);
                if (t.failures == 0) {
                    pass(state, t.role, t.version, operation, t.runs + " runs during the backfill");
                } else {
                    fail(
                            state,
                            t.role,
                            t.version,
                            operation,
                            "failed " + t.failures + " of " + t.runs + " runs" + " during the backfill; first: "
                                    + t.firstError);
                }
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
                String error = writeOne(path, writtenIn, role, kind, path.nextKey(writtenIn, role));
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

    private void run(CompatibilityState state, Role role, String version, String operation, Action action) {
        try {
            action.run();
            pass(state, role, version, operation, "");
        } catch (Exception | AssertionError e) {
            fail(state, role, version, operation, Errors.describe(e));
        }
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

    private static boolean mustWork(CompatibilityState state, Role role) {
        return role == Role.OLD ? state.oldVersionMustWork() : state.newVersionMustWork();
    }

    /** Something that may fail. */
    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    /**
     * A record a version wrote, and what that version read back right after.
     *
     * @param kind the kind of record
     * @param key its key
     * @param writer who wrote it
     * @param state when
     * @param expected what the writer read back
     */
    record Entry(String kind, String key, Role writer, CompatibilityState state, Object expected) {}

    /** One fresh database with its pools, migrator, lock recorder and the records written so far. */
    private final class Path implements AutoCloseable {
        final TestDatabase database;
        final DataSource admin;
        final DataSource oldPool;
        final DataSource newPool;
        final LockRecorder recorder;
        final PostgresMigrator migrator;
        final List<Entry> ledger = new CopyOnWriteArrayList<>();

        Path(TestDatabase database) {
            this.database = database;
            this.admin = database.dataSource();
            // Each version gets its own pool, as two deployments would; application_name tells them apart.
            this.oldPool = database.newDataSource(4, "tandem-compat-old");
            this.newPool = database.newDataSource(4, "tandem-compat-new");
            this.recorder = LockRecorder.create(admin);
            int batch = settings.batchSize();
            this.migrator = PostgresMigrator.create(
                    admin, recorder.attachTo(settings.options()).withBatchSizes(batch, batch, batch));
        }

        DataSource dataSource(Role role) {
            return role == Role.OLD ? oldPool : newPool;
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
            try {
                database.close();
            } catch (RuntimeException e) {
                log.warn("Could not drop the compatibility test database {}: {}", database.name(), e.getMessage());
            }
        }
    }
}
