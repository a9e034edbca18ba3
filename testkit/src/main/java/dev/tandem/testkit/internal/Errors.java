package dev.tandem.testkit.internal;

import dev.tandem.TandemException;
import java.lang.reflect.InvocationTargetException;
import java.sql.SQLException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/** Describes failures for the compatibility matrix: one line, with the SQLState where there is one. */
public final class Errors {
    private Errors() {}

    /**
     * {@return a one-line description of a failure}
     *
     * @param error what an operation, a reader or a phase threw
     */
    public static String describe(Throwable error) {
        Throwable e = unwrap(error);
        String text;
        if (e instanceof SQLException s) {
            text = "SQLState " + s.getSQLState() + ": " + s.getMessage();
        } else if (e instanceof TandemException || e instanceof AssertionError) {
            text = e.getClass().getSimpleName() + ": " + e.getMessage();
        } else {
            SQLException sql = findSql(e);
            text = e + (sql == null ? "" : " (SQLState " + sql.getSQLState() + ": " + sql.getMessage() + ")");
        }
        return oneLine(text);
    }

    /**
     * {@return the text on one line: line breaks and runs of blanks become one space}
     *
     * @param text any text
     */
    public static String oneLine(String text) {
        return text.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    private static Throwable unwrap(Throwable e) {
        Throwable current = e;
        while ((current instanceof InvocationTargetException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    private static @Nullable SQLException findSql(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                return s;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
