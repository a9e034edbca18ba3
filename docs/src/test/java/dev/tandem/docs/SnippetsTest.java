package dev.tandem.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The snippet mechanism itself: regions, marked blocks, output matching. */
class SnippetsTest {

    @Test
    void regions_nestedTags_dropMarkerLinesAndCommonIndentation() {
        String source = """
                class A {
                    void m() {
                        // tag::outer[]
                        int a = 1;
                        // tag::inner[]
                        if (a > 0) {
                            a++;
                        }
                        // end::inner[]

                        // end::outer[]
                    }
                }
                """;

        Map<String, String> regions = Snippets.regions(source, "A.java");

        assertThat(regions)
                .containsEntry("inner", "if (a > 0) {\n    a++;\n}")
                .containsEntry("outer", "int a = 1;\nif (a > 0) {\n    a++;\n}");
    }

    @Test
    void regions_sqlComments_areMarkersToo() {
        String source = "-- tag::q[]\nSELECT 1;\n-- end::q[]";

        assertThat(Snippets.regions(source, "q.sql")).containsExactly(Map.entry("q", "SELECT 1;"));
    }

    @Test
    void regions_unclosedTag_rejected() {
        assertThatThrownBy(() -> Snippets.regions("// tag::a[]\nx", "A.java"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A.java: tags never closed: [a]");
    }

    @Test
    void regions_tagOpenedWhileOpen_rejected() {
        assertThatThrownBy(() -> Snippets.regions("// tag::a[]\n// tag::a[]\n// end::a[]", "A.java"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A.java:2: tag 'a' is opened while open");
    }

    @Test
    void regions_tagReopened_continuesTheRegion() {
        String source = "  // tag::a[]\n  one();\n  // end::a[]\n  hidden();\n  // tag::a[]\n  two();\n  // end::a[]";

        assertThat(Snippets.regions(source, "A.java")).containsExactly(Map.entry("a", "one();\ntwo();"));
    }

    @Test
    void regions_endWithoutTag_rejected() {
        assertThatThrownBy(() -> Snippets.regions("x\n// end::a[]", "A.java"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A.java:2: end of tag 'a' that is not open");
    }

    @Test
    void blocks_includeAndOutputMarkers_foundWithTheirBodies() {
        String page = """
                # Page
                <!-- include: A.java#a -->
                ```java
                int a = 1;
                ```
                text
                <!-- output: message -->
                ```text
                It failed [TANDEM-0300]
                ```
                """;

        List<Snippets.Block> blocks = Snippets.blocks(page, "page.md");

        assertThat(blocks)
                .extracting(Snippets.Block::kind, Snippets.Block::target, Snippets.Block::tag, Snippets.Block::body)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("include", "A.java", "a", "int a = 1;"),
                        org.assertj.core.groups.Tuple.tuple("output", "message", "", "It failed [TANDEM-0300]"));
        assertThat(Snippets.replace(page, blocks.get(0), "int b = 2;\nint c = 3;"))
                .contains("```java\nint b = 2;\nint c = 3;\n```");
    }

    @Test
    void blocks_markerWithoutFence_rejected() {
        assertThatThrownBy(() -> Snippets.blocks("<!-- include: A.java#a -->\n\n```java\n```", "page.md"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("page.md:1: the marker must be directly followed by a ``` block");
    }

    @Test
    void outputs_numbersAndLineBreaks_ignored() {
        String printed = "Blocked by: pid 4242 (idle in transaction, transaction open 1203 ms). Raise it [TANDEM-0300]";

        assertThat(DocOutputs.matches(
                        "Blocked by: pid 17 (idle in transaction,\ntransaction open 9 ms).\n"
                                + "Raise it [TANDEM-0300]",
                        printed))
                .isTrue();
        assertThat(DocOutputs.matches(
                        "Blocked by: pid 17 (idle, transaction open 9 ms). Raise it [TANDEM-0300]", printed))
                .isFalse();
    }

    @Test
    void outputs_excerpt_matchesItsPartsInOrder() {
        String printed = "== EXPAND ==\nALTER TABLE a;\nCREATE TRIGGER t;\n== CONTRACT ==\nDROP TRIGGER t;";

        assertThat(DocOutputs.matches("== EXPAND ==\n...\nCREATE TRIGGER t;\n...\nDROP TRIGGER t;", printed))
                .isTrue();
        assertThat(DocOutputs.matches("DROP TRIGGER t;\n...\nCREATE TRIGGER t;", printed))
                .isFalse();
    }

    @Test
    void outputs_wrap_breaksLongLinesAtSpaces() {
        String line = "word ".repeat(40).strip();

        assertThat(Snippets.lines(DocOutputs.wrap(line)))
                .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(110));
        assertThat(DocOutputs.normalize(DocOutputs.wrap(line))).isEqualTo(line);
    }
}
