package dev.tandem.testkit.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks an {@code <!-- output: id -->} block of {@code testkit/README.md} against what a test really printed, so
 * that the sample reports on the page are never invented and never go stale.
 *
 * <p>As in the user guide's checks: every run of digits counts as equal to any other (durations, keys, counts), and
 * whitespace runs count as one space. A block with lines holding only {@code ...} is an excerpt: each part between them
 * must appear in the printed text, in order. Every check also writes the printed text to {@code
 * target/readme-outputs/<id>.txt}, to copy from. With the system property {@code docs.update=true} (for example {@code
 * -Dsurefire.argLine="-Ddocs.update=true"}) or the environment variable {@code TANDEM_DOCS_UPDATE=true}, a block that is
 * not an excerpt and does not match is rewritten from the printed text instead. Stateless.
 */
public final class ReadmeOutputs {
    private ReadmeOutputs() {}

    private static final Path README = Path.of("README.md");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern SPACE = Pattern.compile("\\s+");

    /**
     * Checks (or, when updating, rewrites) an output block of the page.
     *
     * @param id the block's id
     * @param printed what the test printed
     */
    public static void check(String id, String printed) {
        String page = read(README);
        save(id, printed);
        Matcher m = Pattern.compile(
                        "<!-- output: " + Pattern.quote(id) + " -->\\n```text\\n(.*?)\\n```", Pattern.DOTALL)
                .matcher(page);
        assertThat(m.find()).as("output block '%s' in %s", id, README).isTrue();
        String body = m.group(1);
        int start = m.start(1);
        int end = m.end(1);
        assertThat(m.find()).as("a second output block '%s' in %s", id, README).isFalse();
        if (updating() && !isExcerpt(body) && !matches(body, printed)) {
            write(README, page.substring(0, start) + printed.strip() + page.substring(end));
            return;
        }
        assertThat(matches(body, printed))
                .withFailMessage(
                        "%s: output block '%s' does not match what the test printed (saved in target/readme-outputs/%s.txt):"
                                + "%n%s",
                        README.toAbsolutePath(), id, id, printed)
                .isTrue();
    }

    static boolean updating() {
        return Boolean.getBoolean("docs.update") || "true".equalsIgnoreCase(System.getenv("TANDEM_DOCS_UPDATE"));
    }

    /** {@return whether the block is an excerpt: it has a line holding only {@code ...}} */
    static boolean isExcerpt(String body) {
        return body.lines().anyMatch(l -> l.strip().equals("..."));
    }

    /** {@return whether {@code printed} matches the page's block {@code expected}, as described in the class} */
    static boolean matches(String expected, String printed) {
        String actual = normalize(printed);
        if (!isExcerpt(expected)) {
            return normalize(expected).equals(actual);
        }
        List<String> chunks = new ArrayList<>();
        StringBuilder chunk = new StringBuilder();
        for (String line : expected.lines().toList()) {
            if (line.strip().equals("...")) {
                chunks.add(chunk.toString());
                chunk.setLength(0);
            } else {
                chunk.append(line).append('\n');
            }
        }
        chunks.add(chunk.toString());
        int from = 0;
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
        return SPACE.matcher(DIGITS.matcher(text).replaceAll("0"))
                .replaceAll(" ")
                .strip();
    }

    private static void save(String id, String printed) {
        Path out = Path.of("target", "readme-outputs", id + ".txt");
        try {
            Files.createDirectories(out.getParent());
            Files.writeString(out, printed, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
