package dev.tandem.postgres;

import java.util.List;

/**
 * Where every plan of a {@link dev.tandem.PlanCatalog} stands, read in one go by
 * {@link PostgresMigrator#status(dev.tandem.PlanCatalog)}: what a deployment pipeline or a health check asks before it
 * acts.
 *
 * @param plans each catalog plan's status, in the catalog's order; {@code PENDING} for plans that never ran, also on a
 *     database where Tandem never ran
 * @param notInCatalog stored plans the catalog no longer has: normal for a {@code CONTRACTED} or {@code ROLLED_BACK}
 *     plan removed from the code, a problem for one still in flight (see {@link #orphaned()})
 * @param oldVersionSessions connected sessions of the old application version, by the migrator's
 *     {@link PostgresOptions#oldVersionGuard()}; empty if it has none
 * @param stateSchemaVersion the layout version of Tandem's state tables, 0 if they do not exist yet
 */
public record CatalogStatus(
        List<PlanEntry> plans,
        List<PlanStatus> notInCatalog,
        List<OldVersionSession> oldVersionSessions,
        int stateSchemaVersion) {

    /**
     * One plan of the catalog.
     *
     * @param status its stored status
     * @param checksumChanged whether the plan in the code differs from the one that started; every phase but rollback
     *     of the started one is refused until it is run as it started, rolled back, or given a new id
     */
    public record PlanEntry(PlanStatus status, boolean checksumChanged) {

        /** {@return the plan's id} */
        public String planId() {
            return status.planId();
        }

        /** {@return where the plan stands} */
        public PlanState state() {
            return status.state();
        }
    }

    /**
     * Copies the lists.
     *
     * @param plans plans
     * @param notInCatalog stored plans not in the catalog
     * @param oldVersionSessions old-version sessions
     * @param stateSchemaVersion state schema version
     */
    public CatalogStatus {
        plans = List.copyOf(plans);
        notInCatalog = List.copyOf(notInCatalog);
        oldVersionSessions = List.copyOf(oldVersionSessions);
    }

    /** {@return the plans whose expand has not run or not finished: what a deployment runs before the new version} */
    public List<PlanEntry> pendingExpand() {
        return plans.stream()
                .filter(p -> p.state() == PlanState.PENDING || p.state() == PlanState.EXPANDING)
                .toList();
    }

    /** {@return the plans expanded but not yet backfilled: the new version must wait for these} */
    public List<PlanEntry> pendingBackfill() {
        return plans.stream()
                .filter(p -> p.state() == PlanState.EXPANDED || p.state() == PlanState.BACKFILLING)
                .toList();
    }

    /** {@return the plans whose new schema the new version may use now} */
    public List<PlanEntry> readyForNewVersion() {
        return plans.stream().filter(p -> p.status().newVersionMayRun()).toList();
    }

    /**
     * {@return the plans backfilled and not yet contracted: contract runs once the old version is gone}
     */
    public List<PlanEntry> awaitingContract() {
        return plans.stream()
                .filter(p -> p.state() == PlanState.BACKFILLED
                        || p.state() == PlanState.VERIFIED
                        || p.state() == PlanState.CONTRACTING)
                .toList();
    }

    /** {@return the plans whose code changed after they started} */
    public List<PlanEntry> checksumChanged() {
        return plans.stream().filter(PlanEntry::checksumChanged).toList();
    }

    /** {@return stored plans missing from the catalog while still in flight: put them back until they finish} */
    public List<PlanStatus> orphaned() {
        return notInCatalog.stream()
                .filter(s -> s.state() != PlanState.CONTRACTED
                        && s.state() != PlanState.ROLLED_BACK
                        && s.state() != PlanState.PENDING)
                .toList();
    }

    /** {@return whether every plan of the catalog is {@code CONTRACTED}, or rolled back} */
    public boolean allDone() {
        return plans.stream().allMatch(p -> p.state() == PlanState.CONTRACTED || p.state() == PlanState.ROLLED_BACK);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (PlanEntry p : plans) {
            b.append(p.status())
                    .append(p.checksumChanged() ? " [CHANGED since it started]" : "")
                    .append('\n');
        }
        for (PlanStatus s : notInCatalog) {
            b.append(s).append(" [not in the catalog]\n");
        }
        for (OldVersionSession s : oldVersionSessions) {
            b.append("Old version connected: ").append(s.describe()).append('\n');
        }
        return b.toString().stripTrailing();
    }
}
