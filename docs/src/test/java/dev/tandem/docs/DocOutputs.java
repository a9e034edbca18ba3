package dev.tandem.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks a page's {@code <!-- output: id -->} block against what the code really printed, so messages, explanations
 * and query results in the pages are never invented and never go stale.
 *
 * <p>The comparison ignores what legitimately differs between runs: every run of digits (process ids, durations, row
 * counts) counts as equal to any other, and whitespace runs, line breaks included, count as one space, so a page may
 * wrap a long message. A block with lines holding only {@code ...} is an excerpt: each part between them must appear
 * in the printed text, in order. With {@code -Ddocs.update=true} a block that is not an excerpt and does not match is
 * rewritten from the printed text instead (a matching block is left alone, so numbers do not churn); in a {@code text} block (messages) long lines are then wrapped, in any other ({@code txt} for
 * tables, {@code sql} for explanations) they are kept. Stateless.
 */
final class DocOutputs {
    private DocOutputs() {}

    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern SPACE = Pattern.compile("\\s+");
    private static final int WRAP = 110;

    /**
     * Checks (or, when updating, rewrites) a page's output block.
     *
     * @param pageName the page's file name, such as {@code troubleshooting.md}
     * @param id the block's id
     * @param printed what the code printed
     */
    static void check(String pageName, String id, String printed) {
        Path page = Snippets.docsDir().resolve(pageName);
        String text = Snippets.read(page);
        List<Snippets.Block> found = new ArrayList<>();
        for (Snippets.Block b : Snippets.blocks(text, pageName)) {
            if (b.kind().equals("output") && b.target().equals(id)) {
                found.add(b);
            }
        }
        assertThat(found).as("output blocks '%s' in %s", id, pageName).hasSize(1);
        Snippets.Block block = found.get(0);
        if (Snippets.updating() && !isExcerpt(block.body()) && !matches(block.body(), printed)) {
            String body = Snippets.dedent(Snippets.lines(block.language().equals("text") ? wrap(printed) : printed));
            Snippets.write(page, Snippets.replace(text, block, body));
            return;
        }
        assertThat(matches(block.body(), printed))
                .withFailMessage(
                        "%s: output block '%s' does not match what the code printed:%n%s%n%n(Run with"
                                + " -Ddocs.update=true to rewrite a block that is not an excerpt.)",
                        block.where(page), id, printed)
                .isTrue();
    }

    /** {@return whether the block is an excerpt: it has a line holding only {@code ...}} */
    static boolean isExcerpt(String body) {
        return Snippets.lines(body).stream().anyMatch(l -> l.strip().equals("..."));
    }

    /** {@return whether {@code printed} matches the page's block {@code expected}, as described in the class} */
    static boolean matches(String expected, String printed) {
        String actual = normalize(printed);
        if (!isExcerpt(expected)) {
            return normalize(expected).equals(actual);
        }
        int from = 0;
        StringBuilder chunk = new StringBuilder();
        List<String> chunks = new ArrayList<>();
        for (String line : Snippets.lines(expected)) {
            if (line.strip().equals("...")) {
                chunks.add(chunk.toString());
                chunk.setLength(0);
            } else {
                chunk.append(line).append('\n');
            }
        }
        chunks.add(chunk.toString());
        for (String c : chunks) {
            String n = normalize(c);
            if (n.isEmpty()) {
                continue;
            }
            int at = actual.indexOf(n, from);
            if (at < 0) {
                return false;
            }
            from = at + n.length();
        }
        return true;
    }

    /** {@return the text with digit runs as {@code 0} and whitespace runs as one space} */
    static String normalize(String text) {
        String noDigits = DIGITS.matcher(text).replaceAll("0");
        return SPACE.matcher(noDigits).replaceAll(" ").strip();
    }

    /** {@return the text with lines longer than the page width broken at spaces} */
    static String wrap(String text) {
        List<String> out = new ArrayList<>();
        for (String line : Snippets.lines(text)) {
            String rest = line;
            while (rest.length() > WRAP) {
                int cut = rest.lastIndexOf(' ', WRAP);
                if (cut <= 0) {
                    break;
                }
                out.add(rest.substring(0, cut));
                rest = rest.substring(cut + 1);
            }
            out.add(rest);
        }
        return String.join("\n", out);
    }
}
