package dev.tandem.testkit;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on what a {@link LockRecorder} recorded: a selection of {@linkplain RecordedUnit units}, narrowed
 * with {@link #phase(String)} or {@link #step(String)}. Get one from {@link TandemAssertions#assertThat(LockRecorder)}
 * or {@link TandemAssertions#assertThat(RecordedUnit)}.
 *
 * <pre>{@code
 * assertThat(recorder).phase("expand")
 *     .takesNoLockBlockingReadsLongerThan(Duration.ofMillis(500))
 *     .rewritesNoTable();
 * assertThat(recorder.record("ALTER TABLE customers ADD COLUMN note text"))
 *     .tookLock(TableName.of("customers"), LockMode.ACCESS_EXCLUSIVE);
 * }</pre>
 *
 * <p>A failure lists the recorded units of the selection with their locks. Not thread-safe, like every AssertJ
 * assertion object; the units it checks are immutable.
 */
public final class LockAssert extends AbstractAssert<LockAssert, List<RecordedUnit>> {
    private final String selection;

    LockAssert(List<RecordedUnit> units, String selection) {
        super(List.copyOf(units), LockAssert.class);
        this.selection = requireNonNull(selection, "selection");
    }

    /**
     * {@return an assertion on the units of one phase}
     *
     * @param phase {@code expand}, {@code contract}, {@code rollback}, or {@code sql} for statements recorded with
     *     {@link LockRecorder#record(String)}
     * @throws AssertionError if no unit of that phase was recorded
     */
    public LockAssert phase(String phase) {
        requireNonNull(phase, "phase");
        return narrow(u -> u.phase().equals(phase), "phase " + phase);
    }

    /**
     * {@return an assertion on the units that completed one step}
     *
     * @param stepId a step id, such as {@code customers.address/sync}
     * @throws AssertionError if no unit completed that step
     */
    public LockAssert step(String stepId) {
        requireNonNull(stepId, "stepId");
        return narrow(u -> u.stepIds().contains(stepId), "step " + stepId);
    }

    private LockAssert narrow(Predicate<RecordedUnit> filter, String what) {
        isNotNull();
        List<RecordedUnit> selected = actual.stream().filter(filter).toList();
        if (selected.isEmpty()) {
            throw fail("Expected recorded units of " + what + ", but there are none.");
        }
        return new LockAssert(selected, selection + ", " + what);
    }

    /**
     * Checks that some unit held {@code mode} on {@code table}.
     *
     * @param table the table; an unqualified name matches any schema
     * @param mode the lock mode
     * @return this assertion
     * @throws AssertionError if no unit of the selection held that lock
     */
    @CanIgnoreReturnValue
    public LockAssert tookLock(TableName table, LockMode mode) {
        requireNonNull(table, "table");
        requireNonNull(mode, "mode");
        isNotNull();
        if (actual.stream().noneMatch(u -> u.tookLock(table, mode))) {
            throw fail("Expected a " + mode.sqlName() + " lock on " + table + ", but none was taken.");
        }
        return this;
    }

    /**
     * Checks that no unit held a lock that makes plain {@code SELECT}s wait (ACCESS EXCLUSIVE) for longer than {@code
     * max}.
     *
     * @param max the longest acceptable time
     * @return this assertion
     * @throws AssertionError naming every lock held longer
     */
    @CanIgnoreReturnValue
    public LockAssert takesNoLockBlockingReadsLongerThan(Duration max) {
        requireNonNull(max, "max");
        return noLock(
                l -> l.mode().blocksReads() && l.held().compareTo(max) > 0,
                "blocking reads for longer than " + max.toMillis() + " ms");
    }

    /**
     * Checks that no unit held a lock that makes {@code INSERT}, {@code UPDATE} or {@code DELETE} wait, however short.
     *
     * @return this assertion
     * @throws AssertionError naming every write-blocking lock
     */
    @CanIgnoreReturnValue
    public LockAssert takesNoLockBlockingWrites() {
        return noLock(l -> l.mode().blocksWrites(), "blocking writes");
    }

    /**
     * Checks that no unit held a lock that makes writes wait for longer than {@code max}.
     *
     * @param max the longest acceptable time
     * @return this assertion
     * @throws AssertionError naming every lock held longer
     */
    @CanIgnoreReturnValue
    public LockAssert takesNoLockBlockingWritesLongerThan(Duration max) {
        requireNonNull(max, "max");
        return noLock(
                l -> l.mode().blocksWrites() && l.held().compareTo(max) > 0,
                "blocking writes for longer than " + max.toMillis() + " ms");
    }

    private LockAssert noLock(Predicate<RelationLock> bad, String what) {
        isNotNull();
        List<String> found = new ArrayList<>();
        for (RecordedUnit u : actual) {
            for (RelationLock l : u.locks()) {
                if (bad.test(l)) {
                    found.add(l + " (" + describe(u) + ")");
                }
            }
        }
        if (!found.isEmpty()) {
            throw fail("Expected no lock " + what + ", but found: " + String.join("; ", found) + ".");
        }
        return this;
    }

    /**
     * Checks that no unit rewrote a table.
     *
     * @return this assertion
     * @throws AssertionError naming every rewritten table and the unit that rewrote it
     */
    @CanIgnoreReturnValue
    public LockAssert rewritesNoTable() {
        isNotNull();
        List<String> found = new ArrayList<>();
        for (RecordedUnit u : actual) {
            for (TableName t : u.rewritten()) {
                found.add(t + " (" + describe(u) + ")");
            }
        }
        if (!found.isEmpty()) {
            throw fail("Expected no table rewrite, but rewrote " + String.join("; ", found) + ".");
        }
        return this;
    }

    /**
     * Checks that some unit rewrote {@code table}.
     *
     * @param table the table; an unqualified name matches any schema
     * @return this assertion
     * @throws AssertionError if it was not rewritten
     */
    @CanIgnoreReturnValue
    public LockAssert rewrote(TableName table) {
        requireNonNull(table, "table");
        isNotNull();
        boolean found = actual.stream()
                .flatMap(u -> u.rewritten().stream())
                .anyMatch(t -> t.name().equals(table.name())
                        && (table.schema() == null || table.schema().equals(t.schema())));
        if (!found) {
            throw fail("Expected " + table + " to be rewritten, but it was not.");
        }
        return this;
    }

    private static String describe(RecordedUnit u) {
        return u.stepIds().isEmpty()
                ? u.phase()
                        + (u.statements().isEmpty() ? "" : ": " + u.statements().get(0))
                : u.phase() + " " + String.join(", ", u.stepIds());
    }

    private AssertionError fail(String message) {
        String description = info.descriptionText();
        StringBuilder out = new StringBuilder();
        if (description != null && !description.isEmpty()) {
            out.append('[').append(description).append("] ");
        }
        out.append(message).append("\nRecorded units (").append(selection).append("):");
        if (actual.isEmpty()) {
            out.append(" none");
        }
        for (RecordedUnit u : actual) {
            out.append("\n  ").append(u);
        }
        return new AssertionError(out.toString());
    }
}
