package dev.tandem;

import static java.util.Objects.requireNonNull;

/**
 * One broken rule found while validating a plan.
 *
 * @param where the part of the plan at fault, such as {@code customers.address/expand} or {@code plan}
 * @param message what is wrong and how to fix it
 */
public record Violation(String where, String message) {

    /**
     * Checks the components.
     *
     * @param where the part at fault
     * @param message the problem
     */
    public Violation {
        requireNonNull(where, "where");
        requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return where + ": " + message;
    }
}
