package dev.tandem.postgres;

import java.util.List;

/**
 * Every statement a plan will run, phase by phase, with the lock each takes; produced without changing anything.
 * {@link #toString()} prints it for a human reviewer.
 *
 * @param planId the plan's id
 * @param checksum the plan's checksum
 * @param statements the statements in execution order: expand, backfill, verify, contract, then rollback
 */
public record PlanExplanation(String planId, String checksum, List<ExplainedStatement> statements) {

    /**
     * Copies the list.
     *
     * @param planId plan id
     * @param checksum checksum
     * @param statements statements
     */
    public PlanExplanation {
        statements = List.copyOf(statements);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("Plan '")
                .append(planId)
                .append("' (checksum ")
                .append(checksum, 0, 12)
                .append(")\n");
        String section = "";
        for (ExplainedStatement s : statements) {
            String name = s.section().name();
            if (!name.equals(section)) {
                section = name;
                out.append("\n== ").append(name).append(" ==\n");
            }
            out.append("-- ")
                    .append(s.stepId() == null ? "(plan)" : s.stepId())
                    .append(": ")
                    .append(
                            s.lockMode() == LockMode.NONE
                                    ? "no table lock"
                                    : s.lockMode().sqlName())
                    .append(s.relation() == null ? "" : " on " + s.relation())
                    .append(s.transactional() ? "" : ", outside a transaction")
                    .append(s.rewritesTable() ? ", REWRITES the table" : "")
                    .append(s.scansTable() ? ", scans the table" : "")
                    .append(s.note().isEmpty() ? "" : "; " + s.note())
                    .append('\n')
                    .append(s.sql())
                    .append(";\n");
        }
        return out.toString();
    }
}
