package dev.tandem.cli.internal;

import dev.tandem.cli.ExitCodes;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionStrategy;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/** Wires picocli: the commands, usage errors (exit 2, JSON too), and logging set up before a command runs. */
public final class Cli {
    private Cli() {}

    /**
     * {@return the command line for this run, ready to {@code execute}}
     *
     * @param io what the run talks to
     */
    public static CommandLine commandLine(Io io) {
        RootCommand root = new RootCommand(io);
        CommandLine cl = new CommandLine(root);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // repeatable options are single-valued setters that collect: inherited List options lose the values given
        // before the command name when more follow after it
        cl.setOverwrittenOptionsAllowed(true);
        cl.setOut(new PrintWriter(io.out(), true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(io.err(), true, StandardCharsets.UTF_8));
        cl.setParameterExceptionHandler((ex, args) -> usageError(io, ex, args));
        IExecutionStrategy run = new CommandLine.RunLast();
        cl.setExecutionStrategy(parsed -> {
            // parsed first, so --verbose is known before the first logger exists
            Logging.configure(verbose(parsed));
            return run.execute(parsed);
        });
        return cl;
    }

    /**
     * Runs the CLI.
     *
     * @param io what the run talks to
     * @param args the arguments
     * @return the exit code, one of {@link ExitCodes}
     */
    public static int execute(Io io, String... args) {
        return commandLine(io).execute(args);
    }

    private static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    private static int usageError(Io io, ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        String command = cl.getCommandSpec().name();
        // the parse failed, so root.json() may not be set: --json asked for JSON whatever else is wrong
        boolean json = List.of(args).contains("--json");
        Failure f = Failure.of(new UsageException(String.valueOf(ex.getMessage())), Hints.NONE);
        if (json) {
            io.out().println(Result.failed(command, f).document());
            io.out().flush();
        }
        io.err().println("tandem: " + ex.getMessage());
        if (!UnmatchedArgumentException.printSuggestions(ex, io.err())) {
            io.err().println("Run '" + cl.getCommandSpec().qualifiedName() + " --help' for the options.");
        }
        io.err().flush();
        return ExitCodes.USAGE;
    }
}
