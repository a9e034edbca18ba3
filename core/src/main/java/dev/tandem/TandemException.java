package dev.tandem;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * The root of Tandem's exceptions: a failure to do with a plan or the database. Programming errors at the API boundary
 * (a null or out-of-range argument) are reported with the JDK's own exceptions instead.
 *
 * <p>Every message says what failed, where, the bad value or SQLState, and how to fix it, and ends with the stable
 * {@linkplain #errorCode() code} in brackets.
 */
public abstract class TandemException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;

    /**
     * Creates an exception.
     *
     * @param errorCode the stable code, appended to the message
     * @param message what failed, where, and how to fix it
     * @param cause the underlying failure, or {@code null}
     */
    protected TandemException(ErrorCode errorCode, String message, @Nullable Throwable cause) {
        super(
                requireNonNull(message, "message") + " ["
                        + requireNonNull(errorCode, "errorCode").code() + "]",
                cause);
        this.errorCode = errorCode;
    }

    /** {@return the stable code of this kind of failure} */
    public ErrorCode errorCode() {
        return errorCode;
    }
}
