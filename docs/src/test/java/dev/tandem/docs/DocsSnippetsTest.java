package dev.tandem.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the pages and the code together, without a database: every {@code <!-- include: File#tag -->} block equals its
 * tagged region (in the pages and in the repository's README, whose Java block must be such an include), every region
 * is shown somewhere, every output block is checked by a test, and links resolve.
 *
 * <p>{@code mvn -pl docs test -Dtest=DocsSnippetsTest -Ddocs.update=true} rewrites the included blocks from the
 * samples instead of failing; {@code mvn -pl docs verify -Ddocs.update=true} also rewrites the output blocks from
 * what the integration tests print.
 */
class DocsSnippetsTest {

    private static final Pattern LINK = Pattern.compile("\\[[^]]*]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern XML_VERSION = Pattern.compile("<version>([^<]+)</version>");
    private static final Pattern GRADLE_VERSION = Pattern.compile("dev\\.tandem:[a-z-]+:([^\"\\s)]+)");

    @Test
    void includes_everyBlock_equalsItsTaggedRegion() {
        List<String> problems = new ArrayList<>();
        for (Path page : Snippets.pagesAndReadme()) {
            String text = Snippets.read(page);
            String updated = text;
            List<Snippets.Block> blocks = Snippets.blocks(text, Snippets.name(page));
            // Bottom-up, so that replacing a block keeps the line numbers of the ones above valid.
            for (int i = blocks.size() - 1; i >= 0; i--) {
                Snippets.Block b = blocks.get(i);
                if (!b.kind().equals("include")) {
                    continue;
                }
                String region;
                try {
                    Path sample = Snippets.resolve(b.target());
                    region = Snippets.regions(Snippets.read(sample), b.target()).get(b.tag());
                } catch (IllegalArgumentException e) {
                    problems.add(b.where(page) + ": " + e.getMessage());
                    continue;
                }
                if (region == null) {
                    problems.add(b.where(page) + ": " + b.target() + " has no region tagged '" + b.tag() + "'");
                } else if (!region.equals(b.body())) {
                    if (Snippets.updating()) {
                        updated = Snippets.replace(updated, b, region);
                    } else {
                        problems.add(b.where(page) + ": the block differs from " + b.target() + "#" + b.tag()
                                + "; run mvn -pl docs test -Dtest=DocsSnippetsTest -Ddocs.update=true. The region is:\n"
                                + region);
                    }
                }
            }
            if (!updated.equals(text)) {
                Snippets.write(page, updated);
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void samples_everyTaggedRegion_isShownInAPage() {
        Set<String> shown = new LinkedHashSet<>();
        for (Path page : Snippets.pagesAndReadme()) {
            for (Snippets.Block b : Snippets.blocks(Snippets.read(page), Snippets.name(page))) {
                if (b.kind().equals("include")) {
                    shown.add(Snippets.resolve(b.target()).getFileName() + "#" + b.tag());
                }
            }
        }
        List<String> orphans = new ArrayList<>();
        for (Path sample : Snippets.samples()) {
            for (String tag :
                    Snippets.regions(Snippets.read(sample), sample.toString()).keySet()) {
                String key = sample.getFileName() + "#" + tag;
                if (!shown.contains(key)) {
                    orphans.add(key);
                }
            }
        }
        assertThat(orphans).as("tagged regions no page includes").isEmpty();
    }

    @Test
    void readme_everyJavaBlock_isIncludedFromASample() {
        Path readme = Snippets.readme();
        assertThat(readme).as("the repository's README, beside the docs module").isRegularFile();
        List<String> lines = Snippets.lines(Snippets.read(readme));
        List<String> unmarked = new ArrayList<>();
        int java = 0;
        boolean code = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.startsWith("```")) {
                continue;
            }
            if (!code && line.equals("```java")) {
                java++;
                if (i == 0 || !Snippets.INCLUDE.matcher(lines.get(i - 1)).matches()) {
                    unmarked.add("../README.md:" + (i + 1));
                }
            }
            code = !code;
        }
        assertThat(java).as("Java blocks in ../README.md").isPositive();
        assertThat(unmarked)
                .as("Java blocks of ../README.md without an <!-- include: File.java#tag --> marker")
                .isEmpty();
    }

    @Test
    void readme_relativeLinks_resolve() {
        Path readme = Snippets.readme();
        List<String> lines = Snippets.lines(withoutCode(Snippets.read(readme)));
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = LINK.matcher(lines.get(i));
            while (m.find()) {
                String target = m.group(1);
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                if (!target.matches("^[a-z]+:.*") && !file.isEmpty() && !Files.exists(readme.resolveSibling(file))) {
                    problems.add("../README.md:" + (i + 1) + ": link " + target + ": no such file");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void outputs_everyBlock_isCheckedByATest() {
        StringBuilder sources = new StringBuilder();
        for (Path sample : Snippets.samples()) {
            if (sample.toString().endsWith(".java")) {
                sources.append(Snippets.read(sample));
            }
        }
        Map<String, String> seen = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (Path page : Snippets.pages()) {
            for (Snippets.Block b :
                    Snippets.blocks(Snippets.read(page), page.getFileName().toString())) {
                if (!b.kind().equals("output")) {
                    continue;
                }
                String key = page.getFileName() + "#" + b.target();
                if (seen.put(key, b.where(page)) != null) {
                    problems.add(b.where(page) + ": output id '" + b.target() + "' is used twice on the page");
                }
                if (!sources.toString().contains("\"" + b.target() + "\"")) {
                    problems.add(b.where(page) + ": no test checks output '" + b.target() + "'");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void troubleshooting_everyErrorCode_hasASection() {
        List<String> headings = headings(Snippets.read(Snippets.docsDir().resolve("troubleshooting.md")));
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(headings)
                    .as("troubleshooting.md headings")
                    .anySatisfy(h -> assertThat(h).startsWith(code.code()));
        }
    }

    @Test
    void links_toPagesAndHeadings_resolve() {
        Map<String, Set<String>> anchors = new LinkedHashMap<>();
        for (Path page : Snippets.pages()) {
            anchors.put(page.getFileName().toString(), slugs(headings(Snippets.read(page))));
        }
        List<String> problems = new ArrayList<>();
        for (Path page : Snippets.pages()) {
            String name = page.getFileName().toString();
            List<String> lines = Snippets.lines(withoutCode(Snippets.read(page)));
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = LINK.matcher(lines.get(i));
                while (m.find()) {
                    String target = m.group(1);
                    if (target.matches("^[a-z]+:.*")) {
                        continue; // https:, mailto:
                    }
                    int hash = target.indexOf('#');
                    String file = hash < 0 ? target : target.substring(0, hash);
                    String anchor = hash < 0 ? "" : target.substring(hash + 1);
                    String where = name + ":" + (i + 1) + ": link " + target;
                    String pageName = file.isEmpty() ? name : file;
                    if (!file.isEmpty() && !Files.exists(page.resolveSibling(file))) {
                        problems.add(where + ": no such file");
                    } else if (!anchor.isEmpty()
                            && (!anchors.containsKey(pageName)
                                    || !anchors.get(pageName).contains(anchor))) {
                        problems.add(where + ": no such heading in " + pageName);
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void readme_linksEveryPage() {
        String readme = Snippets.read(Snippets.docsDir().resolve("README.md"));
        for (Path page : Snippets.pages()) {
            String name = page.getFileName().toString();
            if (!name.equals("README.md")) {
                assertThat(readme).as("README.md links").contains("](" + name + ")");
            }
        }
    }

    @Test
    void gettingStarted_dependencies_nameTheProjectVersion() {
        String version = System.getProperty("tandem.version", "");
        assertThat(version)
                .as("system property tandem.version, set by the build")
                .isNotEmpty();
        String page = Snippets.read(Snippets.docsDir().resolve("getting-started.md"));
        List<String> versions = new ArrayList<>();
        for (Pattern p : List.of(XML_VERSION, GRADLE_VERSION)) {
            Matcher m = p.matcher(page);
            while (m.find()) {
                versions.add(m.group(1));
            }
        }
        assertThat(versions).hasSizeGreaterThanOrEqualTo(2).containsOnly(version);
    }

    /** {@return the text of every heading outside code blocks, in order} */
    static List<String> headings(String page) {
        List<String> out = new ArrayList<>();
        for (String line : Snippets.lines(withoutCode(page))) {
            Matcher m = HEADING.matcher(line);
            if (m.matches()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /** {@return GitHub's anchors for the headings: lower case, punctuation dropped, spaces as hyphens, numbered} */
    static Set<String> slugs(List<String> headings) {
        Set<String> out = new LinkedHashSet<>();
        Map<String, Integer> counts = new HashMap<>();
        for (String h : headings) {
            String slug = h.toLowerCase(Locale.ROOT)
                    .replaceAll("[^\\p{L}\\p{N} _-]", "")
                    .replace(' ', '-');
            int n = counts.merge(slug, 1, Integer::sum);
            out.add(n == 1 ? slug : slug + "-" + (n - 1));
        }
        return out;
    }

    /** {@return the page with the lines of fenced code blocks blanked, so their text is neither link nor heading} */
    static String withoutCode(String page) {
        List<String> out = new ArrayList<>();
        boolean code = false;
        for (String line : Snippets.lines(page)) {
            boolean fence = line.strip().startsWith("```");
            out.add(code || fence ? "" : line);
            if (fence) {
                code = !code;
            }
        }
        return String.join("\n", out);
    }
}
