package dev.tandem;

import static java.util.Objects.requireNonNull;

import dev.tandem.plan.Identifier;
import dev.tandem.plan.ReferentialAction;
import dev.tandem.plan.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A foreign key for {@link PlanBuilder#addForeignKey(ForeignKey, dev.tandem.plan.Enforcement)}:
 *
 * <pre>{@code
 * ForeignKey.named("orders_customer_fk")
 *     .from(TableName.of("orders"), "customer_id")
 *     .references(TableName.of("customers"), "id")
 *     .onDelete(ReferentialAction.CASCADE)
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe: every method returns a new value.
 */
public final class ForeignKey {
    private final Identifier name;
    private final @Nullable TableName table;
    private final List<Identifier> columns;
    private final @Nullable TableName referencedTable;
    private final List<Identifier> referencedColumns;
    private final ReferentialAction onDelete;
    private final ReferentialAction onUpdate;

    private ForeignKey(
            Identifier name,
            @Nullable TableName table,
            List<Identifier> columns,
            @Nullable TableName referencedTable,
            List<Identifier> referencedColumns,
            ReferentialAction onDelete,
            ReferentialAction onUpdate) {
        this.name = name;
        this.table = table;
        this.columns = List.copyOf(columns);
        this.referencedTable = referencedTable;
        this.referencedColumns = List.copyOf(referencedColumns);
        this.onDelete = onDelete;
        this.onUpdate = onUpdate;
    }

    /**
     * {@return a foreign key with this constraint name, still without columns}
     *
     * @param name the constraint name, case-sensitive
     */
    public static ForeignKey named(String name) {
        return new ForeignKey(
                Identifier.of(requireNonNull(name, "name")),
                null,
                List.of(),
                null,
                List.of(),
                ReferentialAction.NO_ACTION,
                ReferentialAction.NO_ACTION);
    }

    /**
     * {@return this key on {@code table}'s columns}
     *
     * @param table the referencing table
     * @param columns its referencing columns
     */
    public ForeignKey from(TableName table, String... columns) {
        return new ForeignKey(
                name,
                requireNonNull(table, "table"),
                ids(columns),
                referencedTable,
                referencedColumns,
                onDelete,
                onUpdate);
    }

    /**
     * {@return this key referencing {@code table}'s columns}
     *
     * @param table the referenced table
     * @param columns its columns, covered by its primary key or a unique constraint
     */
    public ForeignKey references(TableName table, String... columns) {
        return new ForeignKey(
                name, this.table, this.columns, requireNonNull(table, "table"), ids(columns), onDelete, onUpdate);
    }

    /**
     * {@return this key with an action on delete of a referenced row}
     *
     * @param action the action
     */
    public ForeignKey onDelete(ReferentialAction action) {
        return new ForeignKey(
                name, table, columns, referencedTable, referencedColumns, requireNonNull(action, "action"), onUpdate);
    }

    /**
     * {@return this key with an action on update of a referenced key}
     *
     * @param action the action
     */
    public ForeignKey onUpdate(ReferentialAction action) {
        return new ForeignKey(
                name, table, columns, referencedTable, referencedColumns, onDelete, requireNonNull(action, "action"));
    }

    private static List<Identifier> ids(String... names) {
        List<Identifier> out = new ArrayList<>();
        for (String n : names) {
            out.add(Identifier.of(requireNonNull(n, "column")));
        }
        return out;
    }

    /** {@return the constraint name} */
    public Identifier name() {
        return name;
    }

    /** {@return the referencing table, if set} */
    public Optional<TableName> table() {
        return Optional.ofNullable(table);
    }

    /** {@return the referencing columns} */
    public List<Identifier> columns() {
        return columns;
    }

    /** {@return the referenced table, if set} */
    public Optional<TableName> referencedTable() {
        return Optional.ofNullable(referencedTable);
    }

    /** {@return the referenced columns} */
    public List<Identifier> referencedColumns() {
        return referencedColumns;
    }

    /** {@return the action on delete} */
    public ReferentialAction deleteAction() {
        return onDelete;
    }

    /** {@return the action on update} */
    public ReferentialAction updateAction() {
        return onUpdate;
    }
}
