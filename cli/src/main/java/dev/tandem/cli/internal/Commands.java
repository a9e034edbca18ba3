package dev.tandem.cli.internal;

import dev.tandem.ErrorCode;
import dev.tandem.MigrationPlan;
import dev.tandem.postgres.BackfillReport;
import dev.tandem.postgres.CatalogStatus;
import dev.tandem.postgres.PlanExplanation;
import dev.tandem.postgres.PlanState;
import dev.tandem.postgres.PlanStatus;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.postgres.VerifyReport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The commands. Each is a thin layer over one {@link PostgresMigrator} call; {@link Runner} does the rest. */
final class Commands {
    private Commands() {}

    /** Base of the commands: the parent's options, and the runner. */
    abstract static class Base implements Callable<Integer> {
        @ParentCommand
        @SuppressWarnings("NullAway.Init") // injected by picocli
        RootCommand root;

        final int run(String command, Runner.Work work) {
            return Runner.run(root, command, work);
        }
    }

    @Command(
            name = "status",
            description = "Shows where every plan stands, which application versions may run, and the old version's"
                    + " connected sessions. Changes nothing; works where Tandem never ran.")
    static final class Status extends Base {
        @Override
        public Integer call() {
            return run("status", s -> {
                CatalogStatus c = s.migrator().status(s.plans().catalog());
                return Result.ok(
                        "status", Views.catalogStatusText(c, s.plans().describe()), w -> Views.catalogStatus(w, c));
            });
        }
    }

    @Command(
            name = "explain",
            description = "Prints every statement of the plan's phases with the lock it takes, whether it rewrites or"
                    + " scans the table and whether it runs in a transaction. Changes nothing.")
    static final class Explain extends Base {
        @Parameters(index = "0", paramLabel = "<plan>", description = "The plan's id.")
        String planId = "";

        @Override
        public Integer call() {
            return run("explain", s -> {
                PlanExplanation e = s.migrator().explain(s.plans().plan(planId));
                return Result.ok("explain", e.toString(), w -> Views.explanation(w, e));
            });
        }
    }

    @Command(
            name = "expand",
            description = "Adds the plan's new columns and sync triggers; both application versions keep working."
                    + " Without a plan id, expands every plan whose expand has not run or not finished, in order.")
    static final class Expand extends Base {
        @Parameters(index = "0", arity = "0..1", paramLabel = "<plan>", description = "The plan's id (optional).")
        @Nullable
        String planId;

        @Override
        public Integer call() {
            return run("expand", s -> {
                String id = planId;
                List<PlanStatus> done = id == null
                        ? s.migrator().expandPending(s.plans().catalog())
                        : List.of(s.migrator().expand(s.plans().plan(id)));
                String text = !done.isEmpty()
                        ? lines(done)
                        : s.plans().catalog().isEmpty()
                                ? "Nothing to expand: no plans found in "
                                        + s.plans().describe() + "."
                                : "Nothing to expand: every plan of the catalog is expanded or further along.";
                return Result.ok("expand", text, w -> statuses(w, "plans", done));
            });
        }
    }

    @Command(
            name = "backfill",
            description = "Fills the new columns of existing rows in short batches; resumes where a previous run"
                    + " stopped. Shows progress on stderr.")
    static final class Backfill extends Base {
        @Parameters(index = "0", paramLabel = "<plan>", description = "The plan's id.")
        String planId = "";

        @Override
        public Integer call() {
            return run("backfill", s -> {
                MigrationPlan plan = s.plans().plan(planId);
                BackfillReport report = s.migrator().backfill(plan);
                PlanStatus status = s.migrator().status(plan);
                return Result.ok("backfill", report + "\n" + status, w -> {
                    w.name("backfill");
                    Views.backfill(w, report);
                    w.name("plan");
                    Views.status(w, status);
                });
            });
        }
    }

    @Command(
            name = "verify",
            description = "Checks every row's new columns against the mapping of its old ones and lists unmapped"
                    + " values. Exits 3 if it finds any: contract would be refused.")
    static final class Verify extends Base {
        @Parameters(index = "0", paramLabel = "<plan>", description = "The plan's id.")
        String planId = "";

        @Override
        public Integer call() {
            return run("verify", s -> {
                MigrationPlan plan = s.plans().plan(planId);
                VerifyReport report = s.migrator().verify(plan);
                PlanStatus status = s.migrator().status(plan);
                return Result.ok("verify", report + "\n" + status, w -> {
                            w.name("verify");
                            Views.verify(w, report);
                            w.name("plan");
                            Views.status(w, status);
                        })
                        .withFailure(verifyFailure(report));
            });
        }
    }

    @Command(
            name = "contract",
            description = "Drops what only the old application version needs. Refused (exit 3) until the data is"
                    + " verified and while old-version sessions are connected, unless forced.")
    static final class Contract extends Base {
        @Parameters(index = "0", paramLabel = "<plan>", description = "The plan's id.")
        String planId = "";

        @Option(
                names = "--force",
                paramLabel = "<reason>",
                description = "Contract although verification found problems or old-version sessions are connected;"
                        + " the reason is stored with the plan.")
        @Nullable
        String force;

        @Override
        public Integer call() {
            return run("contract", s -> {
                MigrationPlan plan = s.plans().plan(planId);
                String reason = force;
                if (reason != null && reason.isBlank()) {
                    throw new UsageException("--force needs a reason (it is stored with the plan), such as"
                            + " --force 'the 12 unmapped rows are test accounts'");
                }
                PlanStatus status = reason == null
                        ? s.migrator().contract(plan)
                        : s.migrator().forceContract(plan, reason);
                return Result.ok("contract", status.toString(), w -> {
                    w.name("plan");
                    Views.status(w, status);
                });
            });
        }
    }

    @Command(
            name = "rollback",
            description = "Returns the schema to its shape before expand, at any time before contract. Stop the new"
                    + " application version first.")
    static final class Rollback extends Base {
        @Parameters(index = "0", paramLabel = "<plan>", description = "The plan's id.")
        String planId = "";

        @Override
        public Integer call() {
            return run("rollback", s -> {
                PlanStatus status = s.migrator().rollback(s.plans().plan(planId));
                return Result.ok("rollback", status.toString(), w -> {
                    w.name("plan");
                    Views.status(w, status);
                });
            });
        }
    }

    /** Where {@code run-to} may stop. */
    enum Target {
        EXPANDED,
        BACKFILLED,
        VERIFIED,
        CONTRACTED
    }

    @Command(
            name = "run-to",
            description = "Runs every phase up to the target, skipping those already done. Without a plan id, runs"
                    + " every plan of the catalog in order (rolled-back plans are left alone) and stops at the first"
                    + " that fails or is refused.")
    static final class RunTo extends Base {
        @Parameters(
                index = "0",
                paramLabel = "<target>",
                description = "One of ${COMPLETION-CANDIDATES} (case-insensitive).")
        Target target = Target.EXPANDED;

        @Parameters(index = "1", arity = "0..1", paramLabel = "<plan>", description = "The plan's id (optional).")
        @Nullable
        String planId;

        @Override
        public Integer call() {
            return run("run-to", s -> {
                String id = planId;
                boolean all = id == null;
                List<MigrationPlan> plans = id == null
                        ? s.plans().catalog().plans()
                        : List.of(s.plans().plan(id));
                List<PlanStatus> done = new ArrayList<>();
                List<String> skipped = new ArrayList<>();
                Failure failure = null;
                for (MigrationPlan plan : plans) {
                    try {
                        if (all && s.migrator().status(plan).state() == PlanState.ROLLED_BACK) {
                            // as expandPending: a rolled-back plan expands again only when named
                            skipped.add(plan.id());
                            continue;
                        }
                        RunOutcome outcome = runTo(s.migrator(), plan, target);
                        done.add(outcome.status());
                        failure = outcome.failure();
                    } catch (RuntimeException e) {
                        failure = Failure.of(e, new Hints(s.migrator().options()));
                    }
                    if (failure != null) {
                        break;
                    }
                }
                String text = (done.isEmpty() ? "No plan ran." : lines(done))
                        + (skipped.isEmpty() ? "" : "\nSkipped (rolled back): " + String.join(", ", skipped));
                return Result.ok("run-to", text, w -> {
                            w.name("target").value(target.name());
                            statuses(w, "plans", done);
                            w.name("skipped").beginArray();
                            skipped.forEach(w::value);
                            w.endArray();
                        })
                        .withFailure(failure);
            });
        }
    }

    /** What one plan's run-to did: its status, and why it stopped short of the target. */
    private record RunOutcome(PlanStatus status, @Nullable Failure failure) {}

    private static RunOutcome runTo(PostgresMigrator migrator, MigrationPlan plan, Target target) {
        return switch (target) {
            case EXPANDED -> new RunOutcome(migrator.runTo(plan, PlanState.EXPANDED), null);
            case BACKFILLED -> new RunOutcome(migrator.runTo(plan, PlanState.BACKFILLED), null);
            case VERIFIED -> {
                // verify here rather than in runTo, to keep its report: it says why the plan is not verified
                PlanStatus backfilled = migrator.runTo(plan, PlanState.BACKFILLED);
                if (backfilled.state() != PlanState.BACKFILLED && backfilled.state() != PlanState.VERIFIED) {
                    yield new RunOutcome(backfilled, null); // already contracted: past the target
                }
                VerifyReport report = migrator.verify(plan);
                yield new RunOutcome(migrator.status(plan), verifyFailure(report));
            }
            case CONTRACTED -> new RunOutcome(migrator.runTo(plan, PlanState.CONTRACTED), null);
        };
    }

    /** {@return the refusal a verification with problems stands for, or {@code null} if contract may run} */
    static @Nullable Failure verifyFailure(VerifyReport report) {
        if (report.contractable()) {
            return null;
        }
        return Failure.refused(
                ErrorCode.CONTRACT_REFUSED,
                report.planId(),
                "Plan '" + report.planId() + "' is not verified: " + report.inconsistentRows()
                        + " inconsistent rows and " + report.unmappedRows() + " unmapped values; contract will be"
                        + " refused until they are fixed.",
                "Fix the rows listed (their old-side values), then run verify or contract again; or run contract"
                        + " --force <reason> to contract anyway.");
    }

    private static String lines(List<PlanStatus> statuses) {
        return statuses.stream().map(PlanStatus::toString).collect(Collectors.joining("\n"));
    }

    private static void statuses(JsonWriter w, String name, List<PlanStatus> statuses) {
        w.name(name).beginArray();
        statuses.forEach(st -> Views.status(w, st));
        w.endArray();
    }
}
