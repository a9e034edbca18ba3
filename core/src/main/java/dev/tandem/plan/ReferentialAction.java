package dev.tandem.plan;

/** What a foreign key does when the referenced row is deleted or its key updated. */
public enum ReferentialAction {
    /** Refuse the change at the end of the statement (PostgreSQL's default). */
    NO_ACTION("NO ACTION"),
    /** Refuse the change at once. */
    RESTRICT("RESTRICT"),
    /** Delete or update the referencing rows too. */
    CASCADE("CASCADE"),
    /** Set the referencing columns to NULL. */
    SET_NULL("SET NULL"),
    /** Set the referencing columns to their defaults. */
    SET_DEFAULT("SET DEFAULT");

    private final String sql;

    ReferentialAction(String sql) {
        this.sql = sql;
    }

    /** {@return the action as SQL writes it} */
    public String sql() {
        return sql;
    }
}
