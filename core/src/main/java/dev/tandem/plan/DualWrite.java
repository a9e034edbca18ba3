package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

import dev.tandem.internal.Checks;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A sync rule between an old and a new representation of the same data in one table, kept by a database trigger from
 * the expand phase until contract, so neither application version needs dual-write code.
 *
 * <p>The trigger decides the direction by which side the writer changed: an insert or update that gives only old-side
 * columns computes the new side with the {@code forward} mappings; one that gives only new-side columns computes the
 * old side with the {@code backward} mappings; one that gives both (or neither) keeps what was written.
 *
 * @param id step id
 * @param table the table
 * @param oldColumns the old representation's columns, read by the forward expressions
 * @param forward assignments to the new columns, computed from the old ones
 * @param backward assignments to the old columns, computed from the new ones; empty for a one-way rule
 * @param mappableWhen a condition over the old columns; a value for which it is false is unmapped (NULL accepts, as in a
 *     {@code CHECK} constraint), or {@code null} to accept every value for which the forward expressions succeed
 * @param unmappedPolicy what happens to a value that cannot be mapped
 * @param copiesColumn whether the rule copies one column into a new one under another name (a rename by copy): the new
 *     column then takes over the old one's default, {@code NOT NULL} and indexes, and the executor refuses up front what
 *     it cannot carry over
 * @param notNullColumns new columns that become {@code NOT NULL}: checked {@code NOT VALID} once the backfill filled
 *     them, validated and set at contract
 */
public record DualWrite(
        StepId id,
        TableName table,
        List<Identifier> oldColumns,
        List<ColumnMapping> forward,
        List<ColumnMapping> backward,
        @Nullable SqlExpression mappableWhen,
        UnmappedPolicy unmappedPolicy,
        boolean copiesColumn,
        List<Identifier> notNullColumns)
        implements Step {

    /**
     * Checks the rule's shape.
     *
     * @param id step id
     * @param table the table
     * @param oldColumns old-side columns
     * @param forward new-side assignments
     * @param backward old-side assignments
     * @param mappableWhen the mappability condition, or {@code null}
     * @param unmappedPolicy the unmapped-value policy
     * @param copiesColumn whether it is a rename by copy
     * @param notNullColumns new columns that become NOT NULL
     * @throws IllegalArgumentException if a side is empty, a column appears on both sides or twice, or a backward
     *     assignment targets a column that is not an old-side column, or a copy has more than one column a side
     */
    public DualWrite {
        requireNonNull(id, "id");
        requireNonNull(table, "table");
        oldColumns = List.copyOf(oldColumns);
        forward = List.copyOf(forward);
        backward = List.copyOf(backward);
        requireNonNull(unmappedPolicy, "unmappedPolicy");
        notNullColumns = List.copyOf(notNullColumns);
        Checks.argument(!oldColumns.isEmpty(), "DualWrite %s: at least one old column is required", id);
        Checks.argument(!forward.isEmpty(), "DualWrite %s: at least one forward mapping is required", id);
        Set<Identifier> seen = new HashSet<>(oldColumns);
        Checks.argument(seen.size() == oldColumns.size(), "DualWrite %s: old columns repeat: %s", id, oldColumns);
        for (ColumnMapping m : forward) {
            Checks.argument(
                    seen.add(m.column()),
                    "DualWrite %s: column %s is assigned twice or is also an old column",
                    id,
                    m.column().quoted());
        }
        Checks.argument(
                !copiesColumn || (oldColumns.size() == 1 && forward.size() == 1),
                "DualWrite %s: a column copy has exactly one old and one new column",
                id);
        for (Identifier n : notNullColumns) {
            Checks.argument(
                    forward.stream().anyMatch(m -> m.column().equals(n)),
                    "DualWrite %s: NOT NULL column %s is not a new column",
                    id,
                    n.quoted());
        }
        Set<Identifier> backwardTargets = new HashSet<>();
        for (ColumnMapping m : backward) {
            Checks.argument(
                    oldColumns.contains(m.column()),
                    "DualWrite %s: backward mapping targets %s, which is not one of the old columns %s",
                    id,
                    m.column().quoted(),
                    oldColumns);
            Checks.argument(
                    backwardTargets.add(m.column()),
                    "DualWrite %s: backward mapping for %s is given twice",
                    id,
                    m.column().quoted());
        }
    }

    /**
     * A rule that is not a column copy.
     *
     * @param id step id
     * @param table the table
     * @param oldColumns old-side columns
     * @param forward new-side assignments
     * @param backward old-side assignments
     * @param mappableWhen the mappability condition, or {@code null}
     * @param unmappedPolicy the unmapped-value policy
     */
    public DualWrite(
            StepId id,
            TableName table,
            List<Identifier> oldColumns,
            List<ColumnMapping> forward,
            List<ColumnMapping> backward,
            @Nullable SqlExpression mappableWhen,
            UnmappedPolicy unmappedPolicy) {
        this(id, table, oldColumns, forward, backward, mappableWhen, unmappedPolicy, false, List.of());
    }

    /**
     * A rule without NOT NULL new columns.
     *
     * @param id step id
     * @param table the table
     * @param oldColumns old-side columns
     * @param forward new-side assignments
     * @param backward old-side assignments
     * @param mappableWhen the mappability condition, or {@code null}
     * @param unmappedPolicy the unmapped-value policy
     * @param copiesColumn whether it is a rename by copy
     */
    public DualWrite(
            StepId id,
            TableName table,
            List<Identifier> oldColumns,
            List<ColumnMapping> forward,
            List<ColumnMapping> backward,
            @Nullable SqlExpression mappableWhen,
            UnmappedPolicy unmappedPolicy,
            boolean copiesColumn) {
        this(id, table, oldColumns, forward, backward, mappableWhen, unmappedPolicy, copiesColumn, List.of());
    }

    /** {@return the new representation's columns, in forward-mapping order} */
    public List<Identifier> newColumns() {
        List<Identifier> columns = new ArrayList<>(forward.size());
        for (ColumnMapping m : forward) {
            columns.add(m.column());
        }
        return List.copyOf(columns);
    }

    /** {@return the mappability condition, if the rule has one} */
    public Optional<SqlExpression> mappableCondition() {
        return Optional.ofNullable(mappableWhen);
    }

    /** {@return whether the rule also maps new-side writes back to the old columns} */
    public boolean twoWay() {
        return !backward.isEmpty();
    }

    /**
     * {@return a copy with another unmapped-value policy; this rule is unchanged}
     *
     * @param policy the policy
     */
    public DualWrite withUnmappedPolicy(UnmappedPolicy policy) {
        return new DualWrite(
                id, table, oldColumns, forward, backward, mappableWhen, policy, copiesColumn, notNullColumns);
    }

    @Override
    public Phase phase() {
        return Phase.EXPAND;
    }

    @Override
    public boolean transactional() {
        return true;
    }

    @Override
    public <R> R accept(StepVisitor<R> visitor) {
        return visitor.visitDualWrite(this);
    }
}
