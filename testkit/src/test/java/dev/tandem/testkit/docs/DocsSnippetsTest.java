package dev.tandem.testkit.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the code on {@code testkit/README.md} equal to the tagged regions of the compiled and run tests in this
 * package: each {@code <!-- snippet: path#name -->} block must be the {@code tag::name[]} region of that file.
 */
class DocsSnippetsTest {
    private static final Pattern SNIPPET =
            Pattern.compile("<!-- snippet: (\\S+)#(\\S+) -->\\n```java\\n(.*?)\\n```", Pattern.DOTALL);

    @Test
    void readme_everySnippet_equalsItsTaggedRegion() throws IOException {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        Matcher m = SNIPPET.matcher(readme);
        int snippets = 0;
        while (m.find()) {
            snippets++;
            String region = region(Path.of(m.group(1)), m.group(2));
            assertThat(m.group(3))
                    .as("README.md snippet %s#%s; copy the region into the page", m.group(1), m.group(2))
                    .isEqualTo(region);
        }
        assertThat(snippets).as("snippets on README.md").isGreaterThanOrEqualTo(4);
    }

    @Test
    void region_dedentsAndDropsMarkers() {
        List<String> lines = List.of(
                "class A {", "    // tag::x[]", "    void f() {", "        g();", "    }", "    // end::x[]", "}");

        assertThat(region(lines, "x")).isEqualTo("void f() {\n    g();\n}");
    }

    static String region(Path file, String name) throws IOException {
        assertThat(file).as("snippet source").exists();
        return region(Files.readAllLines(file, StandardCharsets.UTF_8), name);
    }

    static String region(List<String> lines, String name) {
        List<String> out = new ArrayList<>();
        boolean inside = false;
        boolean found = false;
        for (String line : lines) {
            if (line.contains("tag::" + name + "[]")) {
                inside = true;
                found = true;
            } else if (line.contains("end::" + name + "[]")) {
                inside = false;
            } else if (inside) {
                out.add(line);
            }
        }
        assertThat(found).as("region %s", name).isTrue();
        int indent = out.stream()
                .filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length())
                .min()
                .orElse(0);
        List<String> dedented = new ArrayList<>();
        for (String l : out) {
            dedented.add(l.length() >= indent ? l.substring(indent) : l.strip());
        }
        return String.join("\n", dedented).strip();
    }
}
