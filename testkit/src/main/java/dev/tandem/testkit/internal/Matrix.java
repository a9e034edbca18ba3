package dev.tandem.testkit.internal;

import dev.tandem.testkit.CompatibilityReport;
import dev.tandem.testkit.CompatibilityReport.Check;
import dev.tandem.testkit.CompatibilityReport.Outcome;
import dev.tandem.testkit.CompatibilityReport.Role;
import dev.tandem.testkit.CompatibilityState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Renders a compatibility report as text: a summary, every failure in full, the versions Tandem let run in each state,
 * every not-ready probe in full, and the state x check matrix.
 */
public final class Matrix {
    private static final int MAX_DETAIL = 1024;

    private Matrix() {}

    /**
     * {@return the column header of a state, at most 13 characters}
     *
     * @param state the state
     */
    static String header(CompatibilityState state) {
        return switch (state) {
            case BEFORE_EXPAND -> "before";
            case EXPANDED -> "expanded";
            case BACKFILLING -> "backfilling";
            case BACKFILLED_VERIFIED -> "verified";
            case CONTRACTED -> "contracted";
            case ROLLED_BACK_FROM_EXPANDED -> "rb-expanded";
            case ROLLED_BACK_FROM_BACKFILLED -> "rb-backfilled";
        };
    }

    private record Row(String version, String operation) {}

    /**
     * {@return the report's text}
     *
     * @param planId the plan's id
     * @param oldVersion the old version's name
     * @param newVersion the new version's name
     * @param checks every check, in the order they ran
     */
    public static String render(String planId, String oldVersion, String newVersion, List<Check> checks) {
        List<Check> failures = checks.stream().filter(Check::failed).toList();
        List<Check> notReady = checks.stream().filter(Check::notReady).toList();
        long counted = checks.stream()
                .filter(c -> c.outcome() != Outcome.NOT_ALLOWED && c.outcome() != Outcome.NOT_READY)
                .count();
        StringBuilder out = new StringBuilder()
                .append("Compatibility of plan '")
                .append(planId)
                .append("' (old version ")
                .append(oldVersion)
                .append(", new version ")
                .append(newVersion)
                .append("): ");
        if (failures.isEmpty()) {
            out.append("all ").append(counted).append(" checks passed");
        } else {
            out.append(failures.size()).append(" of ").append(counted).append(" checks failed");
        }
        if (!notReady.isEmpty()) {
            out.append("; ")
                    .append(notReady.size())
                    .append(notReady.size() == 1 ? " probe" : " probes")
                    .append(" not ready (informational)");
        }
        out.append(".\n");
        out.append('\n').append(table(checks));
        out.append("ok = passed, FAIL = failed, skip = not reached (an earlier phase failed), - = not run"
                + " (not required in that state)\n");
        out.append("may run: yes / no = whether Tandem lets the version run in that state (PlanStatus); where it says"
                + " no, the version was not run, unless probed: (fail) = a probe failed, not ready (informational)\n");
        out.append("rb-expanded / rb-backfilled = rolled back from expanded / from backfilled+verified\n");
        if (!failures.isEmpty()) {
            out.append("\nFailures (a cause that repeats is listed once, with every state it failed in):\n");
            grouped(out, failures);
        }
        List<Check> notes = checks.stream()
                .filter(c -> c.role() == Role.PLAN
                        && c.outcome() == Outcome.PASSED
                        && !c.detail().isEmpty())
                .toList();
        if (!notes.isEmpty()) {
            out.append("\nPhases:\n");
            for (Check c : notes) {
                out.append("  ")
                        .append(c.state())
                        .append(" | ")
                        .append(c.operation())
                        .append(": ")
                        .append(c.detail())
                        .append('\n');
            }
        }
        out.append(versions(checks));
        if (!notReady.isEmpty()) {
            out.append(
                    "\nNot ready (probed where Tandem says the version may not run; informational, not failures):\n");
            list(out, notReady);
        }
        return out.toString();
    }

    /** Digits and quoted keys, which differ between repeats of one cause. */
    private static final Pattern VARYING = Pattern.compile("'[^']*'|[0-9]+");

    /**
     * Lists failures, each cause once: failures of the same version and operation whose details differ only in
     * numbers and quoted keys are one line, headed by every state they occurred in.
     */
    private static void grouped(StringBuilder out, List<Check> failures) {
        Map<String, List<Check>> causes = new LinkedHashMap<>();
        for (Check c : failures) {
            String key = c.role() + "\0" + c.version() + "\0" + c.operation() + "\0"
                    + VARYING.matcher(c.detail()).replaceAll("#");
            causes.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
        }
        int n = 1;
        for (List<Check> same : causes.values()) {
            Check first = same.get(0);
            List<String> states = new ArrayList<>();
            for (Check c : same) {
                if (!states.contains(c.state().name())) {
                    states.add(c.state().name());
                }
            }
            out.append(String.format(Locale.ROOT, "%3d. ", n++))
                    .append(cap(String.join(", ", states) + " | " + first.version() + " | " + first.operation() + ": "
                            + first.detail()))
                    .append('\n');
        }
    }

    private static void list(StringBuilder out, List<Check> checks) {
        int n = 1;
        for (Check c : checks) {
            out.append(String.format(Locale.ROOT, "%3d. ", n++))
                    .append(cap(c.toString()))
                    .append('\n');
        }
    }

    /**
     * {@return for each state reached, the versions Tandem let run and those it did not, with the plan's state; empty
     * if no check says}
     *
     * @param checks every check
     */
    static String versions(List<Check> checks) {
        Map<CompatibilityState, List<Check>> byState = new EnumMap<>(CompatibilityState.class);
        for (Check c : checks) {
            if (c.operation().equals(CompatibilityReport.MAY_RUN) && (c.role() == Role.OLD || c.role() == Role.NEW)) {
                byState.computeIfAbsent(c.state(), s -> new ArrayList<>()).add(c);
            }
        }
        if (byState.isEmpty()) {
            return "";
        }
        int width =
                byState.keySet().stream().mapToInt(s -> s.name().length()).max().orElse(0);
        StringBuilder out = new StringBuilder(
                "\nVersions Tandem lets run (PlanStatus); the others were not run there, unless probed:\n");
        for (Map.Entry<CompatibilityState, List<Check>> e : byState.entrySet()) {
            List<String> allowed = new ArrayList<>();
            List<String> not = new ArrayList<>();
            String why = "";
            for (Check c : e.getValue()) {
                if (c.outcome() == Outcome.NOT_ALLOWED) {
                    not.add("not " + c.version() + " (" + c.detail() + ")");
                } else {
                    allowed.add(c.version());
                    why = c.detail();
                }
            }
            out.append("  ")
                    .append(pad(e.getKey().name(), width))
                    .append("  ")
                    .append(allowed.isEmpty() ? "no version" : String.join(", ", allowed));
            if (not.isEmpty()) {
                out.append(why.isEmpty() ? "" : " (" + why + ")");
            } else {
                out.append("; ").append(String.join("; ", not));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /**
     * {@return the matrix alone: one row per version and operation, one column per state}
     *
     * @param checks every check
     */
    static String table(List<Check> checks) {
        Map<Row, Map<CompatibilityState, Outcome>> rows = new LinkedHashMap<>();
        Map<Row, Role> roleOrder = new LinkedHashMap<>();
        for (Check c : checks) {
            Row row = new Row(c.version(), c.operation());
            roleOrder.putIfAbsent(row, c.role());
            rows.computeIfAbsent(row, r -> new EnumMap<>(CompatibilityState.class))
                    .merge(c.state(), c.outcome(), Matrix::worse);
        }
        List<Row> ordered = new ArrayList<>(rows.keySet());
        // Stable: within a role, rows keep the order in which they first ran.
        ordered.sort(Comparator.comparing(r -> roleOrder.getOrDefault(r, Role.PLAN)));
        int versionWidth = "version".length();
        int operationWidth = "operation".length();
        for (Row r : ordered) {
            versionWidth = Math.max(versionWidth, r.version().length());
            operationWidth = Math.max(operationWidth, r.operation().length());
        }
        operationWidth = Math.min(operationWidth, 48);
        StringBuilder out = new StringBuilder();
        out.append(pad("version", versionWidth)).append("  ").append(pad("operation", operationWidth));
        for (CompatibilityState s : CompatibilityState.values()) {
            out.append(" | ").append(pad(header(s), header(s).length()));
        }
        out.append('\n');
        int width = out.length() - 1;
        out.append("-".repeat(width)).append('\n');
        for (Row r : ordered) {
            Map<CompatibilityState, Outcome> cells = rows.getOrDefault(r, Map.of());
            out.append(pad(r.version(), versionWidth))
                    .append("  ")
                    .append(pad(truncate(r.operation(), operationWidth), operationWidth));
            for (CompatibilityState s : CompatibilityState.values()) {
                Outcome o = cells.get(s);
                String text = r.operation().equals(CompatibilityReport.MAY_RUN) ? mayRun(o) : cell(o);
                out.append(" | ").append(pad(text, header(s).length()));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static Outcome worse(Outcome a, Outcome b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(Outcome o) {
        return switch (o) {
            case PASSED -> 0;
            case NOT_ALLOWED -> 1;
            case NOT_READY -> 2;
            case SKIPPED -> 3;
            case FAILED -> 4;
        };
    }

    private static String cell(@Nullable Outcome o) {
        if (o == null) {
            return "-";
        }
        return switch (o) {
            case PASSED -> "ok";
            case FAILED -> "FAIL";
            case SKIPPED -> "skip";
            case NOT_ALLOWED -> "no";
            case NOT_READY -> "(fail)";
        };
    }

    /** The row that says whether Tandem let the version run: yes or no. */
    private static String mayRun(@Nullable Outcome o) {
        if (o == null) {
            return "-";
        }
        return switch (o) {
            case PASSED -> "yes";
            case NOT_ALLOWED -> "no";
            default -> cell(o);
        };
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private static String truncate(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 3) + "...";
    }

    static String cap(String detail) {
        return detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL) + "...";
    }
}
