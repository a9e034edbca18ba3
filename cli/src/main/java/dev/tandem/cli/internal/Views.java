package dev.tandem.cli.internal;

import dev.tandem.ErrorCode;
import dev.tandem.LockNotAcquiredException.BlockingSession;
import dev.tandem.postgres.BackfillReport;
import dev.tandem.postgres.CatalogStatus;
import dev.tandem.postgres.ExplainedStatement;
import dev.tandem.postgres.OldVersionSession;
import dev.tandem.postgres.PlanExplanation;
import dev.tandem.postgres.PlanStatus;
import dev.tandem.postgres.UnmappedRow;
import dev.tandem.postgres.VerifyReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the library's results look in the CLI's output: the JSON members (a stable contract for pipelines) and the text
 * for people. Stateless.
 */
final class Views {
    private Views() {}

    // ------------------------------------------------------------------------------------------------------ JSON

    static void status(JsonWriter w, PlanStatus s) {
        w.beginObject();
        statusMembers(w, s);
        w.endObject();
    }

    private static void statusMembers(JsonWriter w, PlanStatus s) {
        w.name("id").value(s.planId());
        w.name("state").value(s.state().name());
        w.name("checksum").value(s.checksum());
        w.name("updatedAt").value(s.updatedAt());
        w.name("rowsBackfilled").value(s.rowsBackfilled());
        w.name("inconsistentRows");
        if (s.inconsistentRows() < 0) {
            w.nullValue(); // never verified: unknown, which is not the same as none
        } else {
            w.value(s.inconsistentRows());
        }
        w.name("unmappedRows").value(s.unmappedRows());
        w.name("lastError").value(s.lastError());
        w.name("forcedContractReason").value(s.forcedContractReason());
        w.name("oldVersionMayRun").value(s.oldVersionMayRun());
        w.name("newVersionMayRun").value(s.newVersionMayRun());
    }

    static void catalogStatus(JsonWriter w, CatalogStatus c) {
        w.name("plans").beginArray();
        for (CatalogStatus.PlanEntry e : c.plans()) {
            w.beginObject();
            statusMembers(w, e.status());
            w.name("checksumChanged").value(e.checksumChanged());
            w.endObject();
        }
        w.endArray();
        w.name("notInCatalog").beginArray();
        for (PlanStatus s : c.notInCatalog()) {
            status(w, s);
        }
        w.endArray();
        w.name("oldVersionSessions").beginArray();
        for (OldVersionSession s : c.oldVersionSessions()) {
            session(w, s);
        }
        w.endArray();
        w.name("stateSchemaVersion").value(c.stateSchemaVersion());
        w.name("pendingExpand").beginArray();
        c.pendingExpand().forEach(e -> w.value(e.planId()));
        w.endArray();
        w.name("awaitingContract").beginArray();
        c.awaitingContract().forEach(e -> w.value(e.planId()));
        w.endArray();
        w.name("orphaned").beginArray();
        c.orphaned().forEach(s -> w.value(s.planId()));
        w.endArray();
        w.name("allDone").value(c.allDone());
    }

    static void session(JsonWriter w, OldVersionSession s) {
        w.beginObject();
        w.name("pid").value(s.pid());
        w.name("applicationName").value(s.applicationName());
        w.name("role").value(s.role());
        w.name("clientAddress").value(s.clientAddress());
        w.name("connectedAt").value(s.connectedAt());
        w.name("state").value(s.state());
        w.endObject();
    }

    static void backfill(JsonWriter w, BackfillReport r) {
        w.beginObject();
        w.name("rowsFilled").value(r.rowsFilled());
        w.name("rowsTotal").value(r.rowsTotal());
        w.name("batches").value(r.batches());
        w.name("rowwiseBatches").value(r.rowwiseBatches());
        w.name("durationMillis").millis(r.duration());
        w.name("rowsPerSecond").value(Math.round(r.rowsPerSecond()));
        w.endObject();
    }

    static void verify(JsonWriter w, VerifyReport r) {
        w.beginObject();
        w.name("contractable").value(r.contractable());
        w.name("rowsChecked").value(r.rowsChecked());
        w.name("inconsistentRows").value(r.inconsistentRows());
        w.name("inconsistentSample").beginArray();
        r.inconsistentSample().forEach(w::value);
        w.endArray();
        w.name("unmappedRows").value(r.unmappedRows());
        w.name("unmappedSample").beginArray();
        for (UnmappedRow u : r.unmappedSample()) {
            unmapped(w, u);
        }
        w.endArray();
        w.name("durationMillis").millis(r.duration());
        w.endObject();
    }

    static void unmapped(JsonWriter w, UnmappedRow u) {
        w.beginObject();
        w.name("step").value(u.stepId());
        w.name("table").value(u.table());
        w.name("key").beginArray();
        u.key().forEach(w::value);
        w.endArray();
        w.name("direction").value(u.direction());
        w.name("sqlState").value(u.sqlState());
        w.name("reason").value(u.reason());
        w.name("value").value(u.value());
        w.name("recordedAt").value(u.recordedAt());
        w.endObject();
    }

    static void explanation(JsonWriter w, PlanExplanation e) {
        w.name("planId").value(e.planId());
        w.name("checksum").value(e.checksum());
        w.name("statements").beginArray();
        for (ExplainedStatement s : e.statements()) {
            w.beginObject();
            w.name("section").value(s.section().name());
            w.name("step").value(s.stepId());
            w.name("sql").value(s.sql());
            w.name("lockMode").value(s.lockMode().name());
            w.name("lock").value(s.lockMode().sqlName());
            w.name("relation").value(s.relation());
            w.name("transactional").value(s.transactional());
            w.name("rewritesTable").value(s.rewritesTable());
            w.name("scansTable").value(s.scansTable());
            w.name("note").value(s.note());
            w.endObject();
        }
        w.endArray();
    }

    static void failure(JsonWriter w, Failure f) {
        ErrorCode code = f.code();
        w.name("error").beginObject();
        w.name("code").value(code == null ? null : code.code());
        w.name("name").value(code == null ? null : code.name());
        w.name("kind").value(f.kind());
        w.name("exitCode").value(f.exitCode());
        w.name("message").value(f.message());
        w.name("hint").value(f.hint());
        w.name("planId").value(f.planId());
        w.name("sqlState").value(f.sqlState());
        w.name("blockers").beginArray();
        for (BlockingSession b : f.blockers()) {
            w.beginObject();
            w.name("pid").value(b.pid());
            w.name("state").value(b.state());
            w.name("transactionAgeMillis").value(b.transactionAgeMillis());
            w.name("lockMode").value(b.lockMode());
            w.name("query").value(b.query());
            w.name("applicationName").value(b.applicationName());
            w.endObject();
        }
        w.endArray();
        w.endObject();
    }

    // ------------------------------------------------------------------------------------------------------ text

    /** {@return a table of the catalog's plans, then what else a reader should know} */
    static String catalogStatusText(CatalogStatus c, String source) {
        StringBuilder b = new StringBuilder();
        if (c.plans().isEmpty()) {
            b.append("No plans found in ").append(source).append(".\n");
        } else {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"PLAN", "STATE", "OLD APP", "NEW APP", "BACKFILLED", "INCONSISTENT", "UNMAPPED"});
            for (CatalogStatus.PlanEntry e : c.plans()) {
                PlanStatus s = e.status();
                rows.add(new String[] {
                    s.planId() + (e.checksumChanged() ? " (CHANGED)" : ""),
                    s.state().name(),
                    s.oldVersionMayRun() ? "may run" : "stopped",
                    s.newVersionMayRun() ? "may run" : "not yet",
                    Long.toString(s.rowsBackfilled()),
                    s.inconsistentRows() < 0 ? "-" : Long.toString(s.inconsistentRows()),
                    Long.toString(s.unmappedRows())
                });
            }
            table(b, rows);
            for (CatalogStatus.PlanEntry e : c.plans()) {
                if (e.checksumChanged()) {
                    b.append("Plan '")
                            .append(e.planId())
                            .append("' changed after it started: every phase but rollback is refused.\n");
                }
                if (e.status().lastError() != null) {
                    b.append("Plan '")
                            .append(e.planId())
                            .append("' last error: ")
                            .append(e.status().lastError())
                            .append('\n');
                }
            }
        }
        for (PlanStatus s : c.notInCatalog()) {
            b.append("Not in the catalog: ")
                    .append(s.planId())
                    .append(' ')
                    .append(s.state())
                    .append(c.orphaned().contains(s) ? " (still in flight: put it back until it finishes)" : "")
                    .append('\n');
        }
        if (c.oldVersionSessions().isEmpty()) {
            b.append("Old version sessions: none connected\n");
        } else {
            b.append("Old version sessions: ")
                    .append(c.oldVersionSessions().size())
                    .append(" connected\n");
            for (OldVersionSession s : c.oldVersionSessions()) {
                b.append("  ").append(s.describe()).append('\n');
            }
        }
        b.append("State schema version: ")
                .append(c.stateSchemaVersion())
                .append(c.stateSchemaVersion() == 0 ? " (Tandem has not run on this database)" : "")
                .append('\n');
        return b.toString();
    }

    static String statusLine(PlanStatus s) {
        return s.toString();
    }

    private static void table(StringBuilder b, List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(String.format(Locale.ROOT, "%-" + width[i] + "s", r[i]));
                if (i < r.length - 1) {
                    line.append("  ");
                }
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
    }
}
