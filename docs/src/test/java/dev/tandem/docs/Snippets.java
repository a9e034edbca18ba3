package dev.tandem.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The pages and their samples. A page marks a fenced block with a comment on the line just above it:
 *
 * <ul>
 *   <li>{@code <!-- include: GettingStartedIT.java#expand -->}: the block is the region between {@code tag::expand[]}
 *       and {@code end::expand[]} of that sample file (Java under {@code src/test/java/dev/tandem/docs}, SQL under
 *       {@code src/test/resources}), common indentation removed. {@link DocsSnippetsTest} checks every such block.
 *   <li>{@code <!-- output: explain -->}: the block is what the code printed (a message, an explanation, a query
 *       result); the integration test that produces it checks it with {@link DocOutputs#check}.
 * </ul>
 *
 * <p>The repository's README ({@link #readme()}) may hold include blocks too; output blocks are for the pages only.
 *
 * <p>With {@code -Ddocs.update=true} both checks rewrite the blocks instead of failing. Stateless.
 */
final class Snippets {
    private Snippets() {}

    /** The comment that marks a block included from a sample: {@code <!-- include: File.java#tag -->}. */
    static final Pattern INCLUDE = Pattern.compile("^\\s*<!--\\s*include:\\s*([^#\\s]+)#(\\S+)\\s*-->\\s*$");

    /** The comment that marks a block holding what the code printed: {@code <!-- output: id -->}. */
    static final Pattern OUTPUT = Pattern.compile("^\\s*<!--\\s*output:\\s*(\\S+)\\s*-->\\s*$");

    private static final Pattern TAG = Pattern.compile("\\b(tag|end)::([A-Za-z0-9_.-]+)\\[]");
    private static final Pattern FENCE = Pattern.compile("^(```+)\\s*([A-Za-z0-9_+-]*)\\s*$");

    /**
     * A marked block of a page.
     *
     * @param kind {@code include} or {@code output}
     * @param target the sample file (for includes) or the output id
     * @param tag the region's tag (for includes), or empty
     * @param markerLine the 1-based line of the marker comment
     * @param language the fence's language, such as {@code java}, or empty
     * @param bodyStart the 0-based index of the block's first body line
     * @param bodyEnd the 0-based index of the closing fence (exclusive end of the body)
     * @param body the block's text, lines joined with {@code \n}
     */
    record Block(
            String kind,
            String target,
            String tag,
            int markerLine,
            String language,
            int bodyStart,
            int bodyEnd,
            String body) {

        String where(Path page) {
            return name(page) + ":" + markerLine;
        }
    }

    /** {@return the directory of the pages: the docs module, as the build passes it} */
    static Path docsDir() {
        return Path.of(System.getProperty("tandem.docs.dir", "."))
                .toAbsolutePath()
                .normalize();
    }

    /** {@return whether the build asked to rewrite the pages' blocks instead of checking them} */
    static boolean updating() {
        return Boolean.parseBoolean(System.getProperty("docs.update", "false"));
    }

    /** {@return every page: the Markdown files of the docs directory, by name} */
    static List<Path> pages() {
        try (Stream<Path> files = Files.list(docsDir())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".md"))
                    .sorted(Comparator.comparing(Path::toString))
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@return the repository's README, beside the docs module: its Java block is a sample too, checked like the
     * pages' include blocks, so the first code a reader sees compiles and runs}
     */
    static Path readme() {
        return docsDir().resolveSibling("README.md");
    }

    /** {@return every file whose include blocks are checked: the pages, then the repository's README if present} */
    static List<Path> pagesAndReadme() {
        List<Path> out = new ArrayList<>(pages());
        if (Files.isRegularFile(readme())) {
            out.add(readme());
        }
        return out;
    }

    /** {@return a page's name in messages: its path from the docs directory, such as {@code ../README.md}} */
    static String name(Path page) {
        return docsDir().relativize(page.toAbsolutePath().normalize()).toString();
    }

    /** The snippet mechanism's own sources: they mention tags in examples, and are no samples. */
    private static final Set<String> MECHANISM =
            Set.of("Snippets.java", "SnippetsTest.java", "DocOutputs.java", "DocsSnippetsTest.java");

    /** {@return every sample file: Java sources and SQL resources under {@code src/test}, except the mechanism's own} */
    static List<Path> samples() {
        List<Path> out = new ArrayList<>();
        for (Path root : List.of(javaRoot(), resourceRoot())) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(Files::isRegularFile)
                        .filter(p ->
                                p.toString().endsWith(".java") || p.toString().endsWith(".sql"))
                        .filter(p -> !MECHANISM.contains(p.getFileName().toString()))
                        .sorted()
                        .forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    static Path javaRoot() {
        return docsDir().resolve("src/test/java/dev/tandem/docs");
    }

    static Path resourceRoot() {
        return docsDir().resolve("src/test/resources");
    }

    /**
     * {@return the sample file an include names: a Java source of this package, or a test resource}
     *
     * @throws IllegalArgumentException if neither exists
     */
    static Path resolve(String target) {
        for (Path root : List.of(javaRoot(), resourceRoot())) {
            Path p = root.resolve(target).normalize();
            if (p.startsWith(root) && Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                "no sample file '" + target + "' in " + javaRoot() + " or " + resourceRoot());
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> lines(String text) {
        return List.of(text.split("\n", -1));
    }

    /**
     * {@return the tagged regions of a sample, by tag, each without marker lines and common indentation}
     *
     * <p>Regions may nest or overlap; a line holding a marker belongs to no region. A tag opened again after its end
     * continues its region, so a sample can leave lines out (assertions, say).
     *
     * @param source the sample's text
     * @param name the sample's name, for messages
     * @throws IllegalArgumentException if a tag is opened while open, closed without being open, or never closed
     */
    static Map<String, String> regions(String source, String name) {
        Map<String, List<String>> all = new LinkedHashMap<>();
        Set<String> open = new LinkedHashSet<>();
        List<String> lines = lines(source);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher m = TAG.matcher(line);
            boolean marker = false;
            while (m.find()) {
                marker = true;
                String tag = m.group(2);
                String where = name + ":" + (i + 1);
                if (m.group(1).equals("tag")) {
                    if (!open.add(tag)) {
                        throw new IllegalArgumentException(where + ": tag '" + tag + "' is opened while open");
                    }
                    all.computeIfAbsent(tag, t -> new ArrayList<>());
                } else if (!open.remove(tag)) {
                    throw new IllegalArgumentException(where + ": end of tag '" + tag + "' that is not open");
                }
            }
            if (!marker) {
                for (String tag : open) {
                    all.get(tag).add(line);
                }
            }
        }
        if (!open.isEmpty()) {
            throw new IllegalArgumentException(name + ": tags never closed: " + open);
        }
        Map<String, String> out = new LinkedHashMap<>();
        all.forEach((tag, region) -> out.put(tag, dedent(region)));
        return out;
    }

    /** {@return the lines without the indentation they share, trailing spaces and surrounding blank lines} */
    static String dedent(List<String> lines) {
        int indent = Integer.MAX_VALUE;
        for (String line : lines) {
            if (!line.isBlank()) {
                int n = 0;
                while (n < line.length() && line.charAt(n) == ' ') {
                    n++;
                }
                indent = Math.min(indent, n);
            }
        }
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            out.add(line.isBlank() ? "" : line.substring(indent).stripTrailing());
        }
        while (!out.isEmpty() && out.get(0).isEmpty()) {
            out.remove(0);
        }
        while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return String.join("\n", out);
    }

    /**
     * {@return the marked blocks of a page, in order}
     *
     * @param page the page's text
     * @param name the page's name, for messages
     * @throws IllegalArgumentException if a marker is not directly followed by a fenced block, or a block is not closed
     */
    static List<Block> blocks(String page, String name) {
        List<String> lines = lines(page);
        List<Block> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher include = INCLUDE.matcher(lines.get(i));
            Matcher output = OUTPUT.matcher(lines.get(i));
            boolean isInclude = include.matches();
            if (!isInclude && !output.matches()) {
                continue;
            }
            String where = name + ":" + (i + 1);
            Matcher fence = i + 1 < lines.size() ? FENCE.matcher(lines.get(i + 1)) : null;
            if (fence == null || !fence.matches()) {
                throw new IllegalArgumentException(where + ": the marker must be directly followed by a ``` block");
            }
            String ticks = fence.group(1);
            int close = i + 2;
            while (close < lines.size() && !lines.get(close).strip().equals(ticks)) {
                close++;
            }
            if (close >= lines.size()) {
                throw new IllegalArgumentException(where + ": the ``` block is never closed");
            }
            String body = String.join("\n", lines.subList(i + 2, close));
            out.add(
                    isInclude
                            ? new Block(
                                    "include",
                                    include.group(1),
                                    include.group(2),
                                    i + 1,
                                    fence.group(2),
                                    i + 2,
                                    close,
                                    body)
                            : new Block("output", output.group(1), "", i + 1, fence.group(2), i + 2, close, body));
            i = close;
        }
        return out;
    }

    /** {@return the page with the body of {@code block} replaced by {@code text}} */
    static String replace(String page, Block block, String text) {
        List<String> lines = new ArrayList<>(lines(page));
        List<String> body = text.isEmpty() ? List.of() : lines(text);
        lines.subList(block.bodyStart(), block.bodyEnd()).clear();
        lines.addAll(block.bodyStart(), body);
        return String.join("\n", lines);
    }
}
