package dev.tandem.plan;

/**
 * A DDL change carried by an {@link Expand} or {@link Contract} step. Implementations are immutable records.
 *
 * <p>Java 17 has no exhaustive switch over sealed types; use {@link #accept} so that a new kind of change breaks every
 * visitor at compile time.
 */
public sealed interface SchemaChange permits AddColumn, DropColumn, RawChange {

    /**
     * {@return the result of the visitor's method for this kind of change}
     *
     * @param visitor the visitor
     * @param <R> the result type
     */
    <R> R accept(Visitor<R> visitor);

    /**
     * A function over the kinds of schema change.
     *
     * @param <R> the result type
     */
    interface Visitor<R> {
        /**
         * {@return the result for an added column}
         *
         * @param change the change
         */
        R visitAddColumn(AddColumn change);

        /**
         * {@return the result for a dropped column}
         *
         * @param change the change
         */
        R visitDropColumn(DropColumn change);

        /**
         * {@return the result for a raw-SQL change}
         *
         * @param change the change
         */
        R visitRaw(RawChange change);
    }
}
