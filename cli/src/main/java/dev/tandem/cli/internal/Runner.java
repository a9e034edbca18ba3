package dev.tandem.cli.internal;

import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.postgres.PostgresOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one command: resolves the settings, loads the plans, connects, runs the command's work, and prints what it did
 * or why it failed. Every failure ends here, so every command exits by the same rules ({@link Failure#of}).
 */
final class Runner {
    private Runner() {}

    /** What a command does once everything is set up. */
    @FunctionalInterface
    interface Work {
        Result run(Session session);
    }

    /**
     * Everything a command's work needs.
     *
     * @param settings the settings
     * @param plans the plans
     * @param migrator the migrator, with the settings' options and the progress listener
     */
    record Session(Settings settings, PlanSources plans, PostgresMigrator migrator) {}

    static int run(RootCommand root, String command, Work work) {
        Io io = root.io();
        Logger log = LoggerFactory.getLogger(Runner.class);
        Logger progressLog = LoggerFactory.getLogger("dev.tandem.cli.progress");
        Hints hints = Hints.NONE;
        Result result;
        ProgressReporter progress = null;
        try {
            Settings settings = Settings.resolve(root, io.env());
            log.debug("{}: {}", command, settings);
            LiveLine terminal = io.terminal();
            progress = terminal != null && !root.json()
                    ? ProgressReporter.live(terminal, io.nanoTime())
                    : ProgressReporter.lines(progressLog::info, settings.progressInterval(), io.nanoTime());
            // the CLI reports progress itself, live or at its own interval; the library's lines would repeat it
            PostgresOptions options = settings.options()
                    .withProgressLogInterval(Duration.ofDays(3650))
                    .withBackfillListener(progress);
            hints = new Hints(options);
            try (PlanSources plans = PlanSources.load(settings.plans(), Runner.class.getClassLoader())) {
                log.debug("Plans {} from {}", plans.catalog().ids(), plans.describe());
                PostgresMigrator migrator = PostgresMigrator.create(dataSource(settings, options), options);
                Thread thread = Thread.currentThread();
                ClassLoader saved = thread.getContextClassLoader();
                // plan code that loads resources or classes by the context loader finds them in --plans
                thread.setContextClassLoader(plans.loader());
                try {
                    result = work.run(new Session(settings, plans, migrator));
                } finally {
                    thread.setContextClassLoader(saved);
                    progress.finish();
                }
            }
        } catch (RuntimeException | LinkageError e) {
            if (progress != null) {
                progress.finish();
            }
            result = Result.failed(command, Failure.of(e, hints));
        }
        print(root, result);
        return result.exitCode();
    }

    static DataSource dataSource(Settings settings, PostgresOptions options) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        try {
            ds.setURL(settings.url());
        } catch (IllegalArgumentException e) {
            throw new UsageException("--url is not a valid PostgreSQL JDBC URL: " + Settings.masked(settings.url()), e);
        }
        if (settings.user() != null) {
            ds.setUser(settings.user());
        }
        if (settings.password().password() != null) {
            ds.setPassword(settings.password().password());
        }
        // the old-version guard and pg_stat_activity tell Tandem's sessions by this name
        ds.setApplicationName(options.applicationName());
        return ds;
    }

    static void print(RootCommand root, Result result) {
        Io io = root.io();
        if (root.json()) {
            io.out().println(result.document());
        } else if (!result.text().isEmpty()) {
            io.out().print(result.text().endsWith("\n") ? result.text() : result.text() + "\n");
        }
        io.out().flush();
        Failure f = result.failure();
        if (f != null) {
            printFailure(io.err(), result.command(), f, root.verbose());
        }
    }

    /** Errors go to stderr in both modes, so that a pipeline's log shows them while stdout goes to a file. */
    static void printFailure(PrintStream err, String command, Failure f, boolean verbose) {
        err.println("tandem " + command + ": " + f.kind().toUpperCase(Locale.ROOT) + " (exit " + f.exitCode() + "): "
                + f.message());
        if (f.hint() != null) {
            err.println("Hint: " + f.hint());
        }
        Throwable cause = f.cause();
        if (verbose && cause != null) {
            cause.printStackTrace(err);
        }
        err.flush();
    }
}
