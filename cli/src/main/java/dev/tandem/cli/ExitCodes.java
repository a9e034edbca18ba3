package dev.tandem.cli;

/**
 * What {@link TandemCli} exits with, so that a pipeline can tell "try again later" from "fix something". The codes are
 * decided by the type and {@link dev.tandem.ErrorCode} of the failure, never by its message.
 *
 * <table>
 *   <caption>Exit codes</caption>
 *   <tr><th>code</th><th>meaning</th><th>typical cause</th></tr>
 *   <tr><td>0</td><td>success</td><td></td></tr>
 *   <tr><td>1</td><td>failure</td><td>a statement failed ({@link dev.tandem.StepExecutionException}), the database
 *       is unreachable, an unexpected error</td></tr>
 *   <tr><td>2</td><td>usage error</td><td>an unknown option or plan, a missing {@code --url}, an unreadable password
 *       file; nothing ran</td></tr>
 *   <tr><td>3</td><td>refused: nothing changed because the plan's state does not allow it</td><td>contract before the
 *       data is verified or while the old version is connected, a plan that changed after it started
 *       ({@link dev.tandem.PlanStateException}), a plan that does not fit the database
 *       ({@link dev.tandem.PlanValidationException}); also {@code verify} finding rows that block contract</td></tr>
 *   <tr><td>4</td><td>blocked by a lock: try again later</td><td>another runner holds the plan, or a table lock was
 *       not granted before the retry deadline ({@link dev.tandem.LockNotAcquiredException})</td></tr>
 * </table>
 *
 * <p>Constants only; not instantiable.
 */
public final class ExitCodes {
    private ExitCodes() {}

    /** The command did what it was asked. */
    public static final int OK = 0;

    /** A statement failed, the database could not be reached, or something unexpected went wrong. */
    public static final int FAILURE = 1;

    /** The command line is wrong (an unknown option, a missing value, an unknown plan); nothing ran. */
    public static final int USAGE = 2;

    /** The plan's state does not allow what was asked; nothing was changed. */
    public static final int REFUSED = 3;

    /** A lock could not be taken in time (another runner, or a busy table); running the command later may work. */
    public static final int BLOCKED = 4;
}
