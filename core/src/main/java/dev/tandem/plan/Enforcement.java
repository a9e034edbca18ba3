package dev.tandem.plan;

/**
 * When a new constraint starts to apply to writes. While the old application version still runs, a constraint it does
 * not know about can reject its writes; every constraint operation makes the choice explicit.
 */
public enum Enforcement {
    /**
     * From expand on, every write of either version is checked ({@code NOT VALID} constraints check new writes at once)
     * and the rows that existed before are validated after the backfill, with reads and writes going on. Choose this
     * when the old version already writes only rows that satisfy the constraint; a write that does not fails from
     * expand on.
     */
    FROM_EXPAND,
    /**
     * Not enforced while the old version runs: contract adds the constraint {@code NOT VALID} and validates it, after
     * the old version stopped. Choose this when the old version may still write rows the constraint rejects; contract
     * then fails (and changes nothing destructive) until those rows are fixed.
     */
    AT_CONTRACT
}
