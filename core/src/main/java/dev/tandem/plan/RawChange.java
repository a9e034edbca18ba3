package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

import dev.tandem.internal.Checks;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Raw SQL the plan's author takes responsibility for: one or more statements that run as one atomic unit. Tandem
 * cannot prove them safe, so a plan accepts them only with a written reason, and shows the lint findings for each when
 * the plan is explained.
 *
 * @param statements the statements to run, in order, in one transaction when {@code transactional}
 * @param undo the statements that reverse them on rollback, in order, in one transaction; empty when they need none
 *     (a contract step, or a change that rollback may leave in place)
 * @param unsafeReason why the author accepts the risk; never blank
 * @param transactional whether the statements run inside a transaction ({@code false} for a single
 *     {@code CREATE INDEX CONCURRENTLY} and similar)
 */
public record RawChange(
        List<SqlStatement> statements, List<SqlStatement> undo, String unsafeReason, boolean transactional)
        implements SchemaChange {

    /**
     * Checks the components.
     *
     * @param statements at least one statement
     * @param undo the undo statements, possibly none
     * @param unsafeReason the reason, not blank
     * @param transactional whether they run in a transaction
     * @throws IllegalArgumentException if the reason is blank, there is no statement, or several statements (or undo
     *     statements) are not all able to run in one transaction
     */
    public RawChange {
        statements = List.copyOf(statements);
        undo = List.copyOf(undo);
        requireNonNull(unsafeReason, "unsafeReason");
        Checks.argument(!statements.isEmpty(), "a raw SQL step needs at least one statement");
        Checks.argument(
                !unsafeReason.isBlank(),
                "Raw SQL is accepted only with a reason for running it unchecked: %s",
                statements.get(0).sql());
        Checks.argument(
                statements.size() == 1 || (transactional && allTransactional(statements)),
                "several raw statements run as one atomic unit, in one transaction; %s cannot run in a transaction,"
                        + " so give it a raw step of its own",
                firstNonTransactional(statements));
        Checks.argument(
                undo.size() <= 1 || allTransactional(undo),
                "several undo statements run in one transaction; %s cannot, so give it a raw step of its own",
                firstNonTransactional(undo));
    }

    /**
     * One statement.
     *
     * @param statement the statement
     * @param undo the statement that reverses it, or {@code null}
     * @param unsafeReason the reason
     * @param transactional whether it runs in a transaction
     */
    public RawChange(SqlStatement statement, @Nullable SqlStatement undo, String unsafeReason, boolean transactional) {
        this(
                List.of(requireNonNull(statement, "statement")),
                undo == null ? List.of() : List.of(undo),
                unsafeReason,
                transactional);
    }

    /** {@return whether rollback has statements to run for this step} */
    public boolean hasUndo() {
        return !undo.isEmpty();
    }

    /** {@return whether the undo statements run in a transaction} */
    public boolean undoTransactional() {
        return allTransactional(undo);
    }

    private static boolean allTransactional(List<SqlStatement> statements) {
        return statements.stream().noneMatch(SqlStatement::requiresNoTransaction);
    }

    private static String firstNonTransactional(List<SqlStatement> statements) {
        return statements.stream()
                .filter(SqlStatement::requiresNoTransaction)
                .map(SqlStatement::sql)
                .findFirst()
                .orElse("-");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitRaw(this);
    }
}
