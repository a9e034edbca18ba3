package dev.tandem.postgres.internal;

import dev.tandem.plan.Identifier;
import dev.tandem.plan.TableName;
import java.util.List;

/**
 * A check or foreign-key constraint that involves a table: its own checks and foreign keys, and the foreign keys of
 * other tables that reference it.
 *
 * @param name the constraint's name
 * @param foreignKey whether it is a foreign key (else a check)
 * @param owner the table it belongs to, qualified
 * @param definition its definition as PostgreSQL prints it with Tandem's pinned search path (names qualified)
 * @param columns the owner's columns it uses
 * @param referencedColumns for a foreign key that references the table, the table's columns it references; else empty
 */
public record ConstraintFacts(
        Identifier name,
        boolean foreignKey,
        TableName owner,
        String definition,
        List<Identifier> columns,
        List<Identifier> referencedColumns) {

    /**
     * Copies the lists.
     *
     * @param name name
     * @param foreignKey foreign key
     * @param owner owner
     * @param definition definition
     * @param columns columns
     * @param referencedColumns referenced columns
     */
    public ConstraintFacts {
        columns = List.copyOf(columns);
        referencedColumns = List.copyOf(referencedColumns);
    }
}
