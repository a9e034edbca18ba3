package dev.tandem.postgres;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One statement of an explained plan, with what it does to the table.
 *
 * @param section the part of the lifecycle that runs it
 * @param stepId the step it belongs to, or {@code null} for plan-level statements
 * @param sql the SQL, with placeholders ({@code ?}) where batches bind key ranges
 * @param lockMode the strongest table lock it takes
 * @param relation the table it locks, as PostgreSQL shows it, or {@code null}
 * @param transactional whether it runs inside a transaction
 * @param rewritesTable whether it rewrites every row of the table
 * @param scansTable whether it reads the whole table while holding its lock
 * @param note a short remark, such as "repeated per batch" or a lint finding for raw SQL
 */
public record ExplainedStatement(
        Section section,
        @Nullable String stepId,
        String sql,
        LockMode lockMode,
        @Nullable String relation,
        boolean transactional,
        boolean rewritesTable,
        boolean scansTable,
        String note) {

    /** The parts of a plan's lifecycle, in the order an explanation lists them. */
    public enum Section {
        /** {@code expand}: additive DDL and sync triggers. */
        EXPAND,
        /** {@code backfill}: batched statements, repeated per key range. */
        BACKFILL,
        /** {@code verify}: read-only comparison, repeated per key range. */
        VERIFY,
        /** {@code contract}: removal of the old representation. */
        CONTRACT,
        /** {@code rollback}: what undoes the expand, if the plan is rolled back before contract. */
        ROLLBACK
    }

    /** {@return the step id, if the statement belongs to a step} */
    public Optional<String> step() {
        return Optional.ofNullable(stepId);
    }
}
