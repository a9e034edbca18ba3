package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

/**
 * Sets a table's replica identity in expand, catalog-only under a brief ACCESS EXCLUSIVE lock. The previous one is saved
 * in the same transaction, and rollback puts it back.
 *
 * @param table the table
 * @param identity the new replica identity
 */
public record SetReplicaIdentity(TableName table, ReplicaIdentity identity) implements SchemaChange {

    /**
     * Checks the components.
     *
     * @param table the table
     * @param identity the new replica identity
     */
    public SetReplicaIdentity {
        requireNonNull(table, "table");
        requireNonNull(identity, "identity");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitSetReplicaIdentity(this);
    }
}
