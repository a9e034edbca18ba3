package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

import dev.tandem.internal.Checks;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A raw SQL statement the plan's author takes responsibility for. Tandem cannot prove it safe, so a plan accepts it
 * only with a written reason, and shows the lint findings for it when the plan is explained.
 *
 * @param statement the statement to run
 * @param undo the statement that reverses it on rollback, or {@code null} when it needs none (a contract step, or a
 *     change that rollback may leave in place)
 * @param unsafeReason why the author accepts the risk; never blank
 * @param transactional whether the statement may run inside a transaction ({@code false} for
 *     {@code CREATE INDEX CONCURRENTLY} and similar)
 */
public record RawChange(SqlStatement statement, @Nullable SqlStatement undo, String unsafeReason, boolean transactional)
        implements SchemaChange {

    /**
     * Checks the components.
     *
     * @param statement the statement
     * @param undo the undo statement, or {@code null}
     * @param unsafeReason the reason, not blank
     * @param transactional whether it may run in a transaction
     * @throws IllegalArgumentException if the reason is blank
     */
    public RawChange {
        requireNonNull(statement, "statement");
        requireNonNull(unsafeReason, "unsafeReason");
        Checks.argument(
                !unsafeReason.isBlank(),
                "Raw SQL is accepted only with a reason for running it unchecked: %s",
                statement.sql());
    }

    /** {@return the undo statement, if there is one} */
    public Optional<SqlStatement> undoStatement() {
        return Optional.ofNullable(undo);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitRaw(this);
    }
}
