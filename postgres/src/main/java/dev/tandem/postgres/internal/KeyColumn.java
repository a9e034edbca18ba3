package dev.tandem.postgres.internal;

import dev.tandem.plan.Identifier;

/**
 * One column of a table's primary key.
 *
 * @param name the column
 * @param type its type as {@code format_type} prints it, used to cast text cursor values back
 */
public record KeyColumn(Identifier name, String type) {}
