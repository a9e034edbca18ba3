package dev.tandem.cli.internal;

/**
 * Bad input the CLI found before it changed anything: a missing option, a file it cannot read, an unknown plan. Exits
 * with {@link dev.tandem.cli.ExitCodes#USAGE}; the message names the option to change.
 */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong and which option fixes it
     */
    public UsageException(String message) {
        super(message);
    }

    /**
     * Creates the exception.
     *
     * @param message what is wrong and which option fixes it
     * @param cause the underlying failure
     */
    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
