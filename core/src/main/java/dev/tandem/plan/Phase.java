package dev.tandem.plan;

/** The phases of a plan, in the order they run. */
public enum Phase {
    /** Additive DDL and the installation of sync triggers; both application versions work afterwards. */
    EXPAND,
    /** Batched filling of the new representation for rows that existed before the sync triggers. */
    BACKFILL,
    /** Removal of what only the old application version needed; runs only when told, after verification. */
    CONTRACT
}
