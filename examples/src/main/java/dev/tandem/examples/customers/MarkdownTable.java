package dev.tandem.examples.customers;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * A GitHub-flavoured Markdown table whose columns are padded so that it also reads as plain text: the first column
 * left-aligned, the others right-aligned (they hold numbers). Immutable.
 *
 * @param header the column names
 * @param rows the rows, each with as many cells as the header
 */
record MarkdownTable(List<String> header, List<List<String>> rows) {
    MarkdownTable {
        header = List.copyOf(header);
        List<List<String>> copied = new ArrayList<>();
        for (List<String> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException(
                        "row " + row + " has " + row.size() + " cells but the header has " + header.size());
            }
            copied.add(List.copyOf(row));
        }
        rows = List.copyOf(copied);
        if (header.isEmpty()) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
    }

    /**
     * {@return a table with this header and no rows}
     *
     * @param header the column names
     */
    static MarkdownTable of(String... header) {
        return new MarkdownTable(List.of(header), List.of());
    }

    /**
     * {@return a copy with one more row} The receiver is unchanged.
     *
     * @param cells the row's cells, as many as the header has
     */
    MarkdownTable withRow(String... cells) {
        List<List<String>> more = new ArrayList<>(rows);
        more.add(List.of(cells));
        return new MarkdownTable(header, more);
    }

    /** {@return the table as Markdown, one line per row, each ending with a line break} */
    String render() {
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = Math.max(3, cell(header.get(i)).length());
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], cell(row.get(i)).length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, header, widths);
        out.append('|');
        for (int i = 0; i < widths.length; i++) {
            out.append(i == 0 ? ":" + "-".repeat(widths[i] + 1) : "-".repeat(widths[i] + 1) + ":")
                    .append('|');
        }
        out.append('\n');
        for (List<String> row : rows) {
            line(out, row, widths);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells, int[] widths) {
        out.append('|');
        for (int i = 0; i < widths.length; i++) {
            String text = cell(cells.get(i));
            String pad = " ".repeat(widths[i] - text.length());
            out.append(' ').append(i == 0 ? text + pad : pad + text).append(" |");
        }
        out.append('\n');
    }

    /** A cell's text: a pipe would end the cell, so it is escaped. */
    private static String cell(String text) {
        return requireNonNull(text, "cell").replace("|", "\\|");
    }
}
