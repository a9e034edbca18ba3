package dev.tandem.postgres;

import java.util.EnumSet;
import java.util.Set;

/**
 * PostgreSQL's table-level lock modes, weakest first, with the conflict table from the PostgreSQL manual (13.3.1).
 * Each statement Tandem renders is labelled with the strongest mode it takes.
 */
public enum LockMode {
    /** No table lock (statements on Tandem's own tables, or catalog reads). */
    NONE("none"),
    /** Taken by {@code SELECT}; conflicts only with ACCESS EXCLUSIVE. */
    ACCESS_SHARE("AccessShareLock"),
    /** Taken by {@code SELECT ... FOR UPDATE/SHARE}. */
    ROW_SHARE("RowShareLock"),
    /** Taken by {@code INSERT}, {@code UPDATE}, {@code DELETE}. */
    ROW_EXCLUSIVE("RowExclusiveLock"),
    /** Taken by {@code VACUUM}, {@code CREATE INDEX CONCURRENTLY}, {@code VALIDATE CONSTRAINT}; blocks no reads or writes. */
    SHARE_UPDATE_EXCLUSIVE("ShareUpdateExclusiveLock"),
    /** Taken by {@code CREATE INDEX}; blocks writes. */
    SHARE("ShareLock"),
    /** Taken by {@code CREATE TRIGGER} and some {@code ALTER TABLE} forms; blocks writes. */
    SHARE_ROW_EXCLUSIVE("ShareRowExclusiveLock"),
    /** Taken by {@code REFRESH MATERIALIZED VIEW CONCURRENTLY}; blocks writes and row locks. */
    EXCLUSIVE("ExclusiveLock"),
    /** Taken by most {@code ALTER TABLE} forms and {@code DROP}; blocks everything, reads included. */
    ACCESS_EXCLUSIVE("AccessExclusiveLock");

    private final String pgName;

    LockMode(String pgName) {
        this.pgName = pgName;
    }

    /** {@return the name {@code pg_locks.mode} uses, such as {@code AccessExclusiveLock}} */
    public String pgName() {
        return pgName;
    }

    /** {@return the SQL spelling, such as {@code ACCESS EXCLUSIVE}} */
    public String sqlName() {
        return name().replace('_', ' ');
    }

    /** {@return the modes this one conflicts with} */
    public Set<LockMode> conflicts() {
        switch (this) {
            case ACCESS_SHARE:
                return EnumSet.of(ACCESS_EXCLUSIVE);
            case ROW_SHARE:
                return EnumSet.of(EXCLUSIVE, ACCESS_EXCLUSIVE);
            case ROW_EXCLUSIVE:
                return EnumSet.of(SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE);
            case SHARE_UPDATE_EXCLUSIVE:
                return EnumSet.of(SHARE_UPDATE_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE);
            case SHARE:
                return EnumSet.of(
                        ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE);
            case SHARE_ROW_EXCLUSIVE:
                return EnumSet.of(
                        ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE);
            case EXCLUSIVE:
                return EnumSet.of(
                        ROW_SHARE,
                        ROW_EXCLUSIVE,
                        SHARE_UPDATE_EXCLUSIVE,
                        SHARE,
                        SHARE_ROW_EXCLUSIVE,
                        EXCLUSIVE,
                        ACCESS_EXCLUSIVE);
            case ACCESS_EXCLUSIVE:
                return EnumSet.complementOf(EnumSet.of(NONE));
            case NONE:
            default:
                return EnumSet.noneOf(LockMode.class);
        }
    }

    /** {@return whether a session holding this lock makes plain {@code SELECT}s wait} */
    public boolean blocksReads() {
        return conflicts().contains(ACCESS_SHARE);
    }

    /** {@return whether a session holding this lock makes {@code INSERT}/{@code UPDATE}/{@code DELETE} wait} */
    public boolean blocksWrites() {
        return conflicts().contains(ROW_EXCLUSIVE);
    }

    /**
     * {@return the mode with this {@code pg_locks.mode} name}
     *
     * @param pgName a name such as {@code RowExclusiveLock}
     * @throws IllegalArgumentException if the name is not a table lock mode
     */
    public static LockMode fromPgName(String pgName) {
        for (LockMode m : values()) {
            if (m.pgName.equals(pgName)) {
                return m;
            }
        }
        throw new IllegalArgumentException("Not a table lock mode: " + pgName);
    }
}
