package dev.tandem.cli;

import dev.tandem.cli.internal.Cli;
import dev.tandem.cli.internal.Io;
import dev.tandem.cli.internal.LiveLine;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;

/**
 * The {@code tandem} command: runs an application's plans from a deployment pipeline.
 *
 * <pre>{@code
 * java -jar tandem-cli-all.jar --plans app.jar --url jdbc:postgresql://db/shop --user migrator status
 * java -cp app.jar:tandem-cli-all.jar dev.tandem.cli.TandemCli run-to BACKFILLED --json
 * }</pre>
 *
 * <p>{@code --help} lists the commands and options; {@link ExitCodes} lists what it exits with. Results go to stdout
 * (one JSON document with {@code --json}), logs, progress and errors to stderr.
 *
 * <p>Not instantiable.
 */
public final class TandemCli {
    private TandemCli() {}

    /**
     * Runs the CLI and exits the JVM with its {@linkplain ExitCodes exit code}.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /**
     * Runs the CLI without exiting the JVM, on the process's stdout, stderr and environment.
     *
     * @param args the command line
     * @return the exit code, one of {@link ExitCodes}
     */
    public static int execute(String... args) {
        // UTF-8 whatever the platform's default: JSON is UTF-8 (RFC 8259), and text should not depend on the locale
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        LiveLine terminal = isTerminal() ? new LiveLine(new FileOutputStream(FileDescriptor.err)) : null;
        PrintStream err = new PrintStream(
                terminal != null ? terminal : new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        if (terminal != null) {
            // the log writes to System.err: through the live line, so that a log line never lands inside progress
            System.setErr(err);
        }
        Io io = new Io(out, err, System.getenv(), terminal, System::nanoTime);
        return Cli.execute(io, args);
    }

    /** Whether a person watches: a console, which on JDK 22 and later must also be a terminal. */
    @SuppressWarnings("SystemConsoleNull") // handled: isTerminal() is asked where it exists
    private static boolean isTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // JDK 22+ returns a console even when redirected, and says with isTerminal() whether it is one
            Method isTerminal = java.io.Console.class.getMethod("isTerminal");
            return Boolean.TRUE.equals(isTerminal.invoke(console));
        } catch (NoSuchMethodException e) {
            return true; // JDK 17 to 21: a console is a terminal
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
