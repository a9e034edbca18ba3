package dev.tandem.postgres.internal;

import dev.tandem.plan.DualWrite;
import dev.tandem.plan.Identifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names of the database objects Tandem creates. They derive from a hash of the plan and step ids, so they are stable
 * across runs (a resumed expand finds what an interrupted one made) and always well under 63 bytes.
 */
public final class Names {
    private Names() {}

    /**
     * The custom setting the sync triggers read: {@code off} in backfill batches. It is honoured only for members of
     * the table's owner role, who could drop the trigger anyway; every other writer's setting is ignored.
     */
    public static final String SYNC_SETTING = "tandem.sync";

    static String hash(String planId, String stepId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((planId + '\0' + stepId).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /**
     * {@return the name of the index a type change builds on its shadow column for one of the column's indexes}
     *
     * @param planId plan id
     * @param index the column's index
     */
    public static Identifier swapIndex(String planId, Identifier index) {
        return Identifier.of("tandem_swap_" + hash(planId, index.value()));
    }

    /**
     * {@return the name of the check that proves a type change's shadow column NOT NULL}
     *
     * @param planId plan id
     * @param shadow the shadow column
     */
    public static Identifier swapNotNull(String planId, Identifier shadow) {
        return Identifier.of("tandem_swap_nn_" + hash(planId, shadow.value()));
    }

    /**
     * {@return the sync function's name (in the state schema)}
     *
     * @param planId plan id
     * @param rule the sync rule
     */
    public static Identifier syncFunction(String planId, DualWrite rule) {
        return Identifier.of("sync_" + hash(planId, rule.id().value()));
    }

    /**
     * {@return the name of the function that records a writer's unmapped value (in the state schema)}
     *
     * @param planId plan id
     * @param rule the sync rule
     */
    public static Identifier recordFunction(String planId, DualWrite rule) {
        return Identifier.of("sync_" + hash(planId, rule.id().value()) + "_record");
    }

    /**
     * {@return the name of the AFTER ... FOR EACH STATEMENT trigger function that records a statement's unmapped values
     * (in the state schema)}
     *
     * @param planId plan id
     * @param rule the sync rule
     */
    public static Identifier noteFunction(String planId, DualWrite rule) {
        return Identifier.of("sync_" + hash(planId, rule.id().value()) + "_note");
    }

    /**
     * {@return the name of the invoker function that hands pending unmapped values to the recording function (in the
     * state schema)}
     *
     * @param planId plan id
     * @param rule the sync rule
     */
    public static Identifier pendingFunction(String planId, DualWrite rule) {
        return Identifier.of("sync_" + hash(planId, rule.id().value()) + "_pending");
    }

    /**
     * {@return the transaction-local setting in which the sync trigger keeps the unmapped values it has not recorded
     * yet}
     *
     * @param planId plan id
     * @param rule the sync rule
     */
    public static String pendingSetting(String planId, DualWrite rule) {
        return "tandem.pending_" + hash(planId, rule.id().value());
    }

    /**
     * {@return the name of the AFTER ... FOR EACH STATEMENT trigger that records the statement's unmapped values}
     *
     * @param planId plan id
     * @param rule the sync rule
     */
    public static Identifier noteStatementTrigger(String planId, DualWrite rule) {
        return Identifier.of("tandem_sync_" + hash(planId, rule.id().value()) + "_nts");
    }

    /**
     * {@return the name of the AFTER INSERT row trigger with which earlier Tandem versions recorded unmapped values;
     * dropped with the rule's triggers, no longer created}
     *
     * @param planId plan id
     * @param rule the sync rule
     */
    public static Identifier noteInsertTrigger(String planId, DualWrite rule) {
        return Identifier.of("tandem_sync_" + hash(planId, rule.id().value()) + "_nti");
    }

    /**
     * {@return the name of the AFTER UPDATE row trigger with which earlier Tandem versions recorded unmapped values;
     * dropped with the rule's triggers, no longer created}
     *
     * @param planId plan id
     * @param rule the sync rule
     */
    public static Identifier noteUpdateTrigger(String planId, DualWrite rule) {
        return Identifier.of("tandem_sync_" + hash(planId, rule.id().value()) + "_ntu");
    }

    /**
     * {@return the name of the CHECK constraint rollback uses to restore a relaxed NOT NULL}
     *
     * @param planId plan id
     * @param step the contract step that drops the column
     */
    public static Identifier notNullCheck(String planId, dev.tandem.plan.StepId step) {
        return Identifier.of("tandem_nn_" + hash(planId, step.value()));
    }

    /**
     * {@return the name of the index a rename by copy builds on the new column for one of the old column's}
     *
     * @param planId plan id
     * @param rule the copying rule
     * @param oldIndex the old column's index
     */
    public static Identifier carriedIndex(String planId, DualWrite rule, Identifier oldIndex) {
        return Identifier.of("tandem_ix_" + hash(planId, rule.id().value() + '\0' + oldIndex.value()));
    }

    /**
     * {@return the name of the sync rule's INSERT trigger}
     *
     * @param planId plan id
     * @param rule the sync rule
     */
    public static Identifier insertTrigger(String planId, DualWrite rule) {
        return Identifier.of("tandem_sync_" + hash(planId, rule.id().value()) + "_ins");
    }

    /**
     * {@return the name of the sync rule's UPDATE trigger}
     *
     * @param planId plan id
     * @param rule the sync rule
     */
    public static Identifier updateTrigger(String planId, DualWrite rule) {
        return Identifier.of("tandem_sync_" + hash(planId, rule.id().value()) + "_upd");
    }

    /**
     * {@return the name of the sync rule's second UPDATE trigger, for writes that name only new-side columns; it sorts
     * after {@link #updateTrigger}, so when a statement names both sides the first one has already synced the row}
     *
     * @param planId plan id
     * @param rule the sync rule
     */
    public static Identifier updateNewSideTrigger(String planId, DualWrite rule) {
        return Identifier.of("tandem_sync_" + hash(planId, rule.id().value()) + "_upn");
    }

    /**
     * {@return the stem of the names of a column move's functions and triggers: one per source and target table of a
     * plan, whichever step (expand or contract) asks}
     *
     * @param planId plan id
     * @param move the move
     */
    public static String moveStem(String planId, dev.tandem.plan.MoveColumns move) {
        return "tandem_sync_" + hash(planId, "move\0" + move.table() + '\0' + move.target());
    }

    /**
     * {@return the stem of the names of a column merge's functions and triggers}
     *
     * @param planId plan id
     * @param merge the merge
     */
    public static String mergeStem(String planId, dev.tandem.plan.MergeColumns merge) {
        return "tandem_sync_" + hash(planId, "merge\0" + merge.table() + '\0' + merge.into());
    }
}
