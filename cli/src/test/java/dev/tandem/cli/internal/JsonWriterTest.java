package dev.tandem.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JsonWriterTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode parse(String json) throws Exception {
        return MAPPER.readTree(json);
    }

    private static String roundTrip(String value) throws Exception {
        String json = JsonWriter.create()
                .beginObject()
                .name("v")
                .value(value)
                .endObject()
                .toString();
        return parse(json).get("v").asText();
    }

    @Test
    void value_quotesAndBackslashes_roundTrip() throws Exception {
        assertThat(roundTrip("say \"hi\" to C:\\temp\\")).isEqualTo("say \"hi\" to C:\\temp\\");
    }

    @Test
    void value_everyControlCharacter_isEscapedAndRoundTrips() throws Exception {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            all.append(c);
        }
        all.append('\u007f').append('\u2028').append('\u2029');
        String json = JsonWriter.create().value(all.toString()).toString();
        // no raw control character may appear in the document
        assertThat(json.chars().filter(c -> c < 0x20)).isEmpty();
        assertThat(json).contains("\\u0000", "\\n", "\\t", "\\r", "\\b", "\\f", "\\u001f", "\\u007f", "\\u2028");
        assertThat(parse(json).asText()).isEqualTo(all.toString());
    }

    @Test
    void value_nonBmpCharacters_passThroughAsPairs() throws Exception {
        String s = "ok \uD83D\uDE80 \uD834\uDD1E \u00e9\u4e2d";
        String json = JsonWriter.create().value(s).toString();
        assertThat(json).isEqualTo("\"" + s + "\"");
        assertThat(roundTrip(s)).isEqualTo(s);
    }

    @Test
    void value_loneSurrogate_isEscaped() throws Exception {
        String json = JsonWriter.create().value("a\uD83Db").toString();
        assertThat(json).isEqualTo("\"a\\ud83db\"");
        assertThat(parse(json).asText()).isEqualTo("a\uD83Db");
    }

    @Test
    void document_nestedValuesOfEveryType_parse() throws Exception {
        String json = JsonWriter.create()
                .beginObject()
                .name("s")
                .value("x")
                .name("n")
                .value(-42L)
                .name("d")
                .value(1.5)
                .name("whole")
                .value(3.0)
                .name("nan")
                .value(Double.NaN)
                .name("b")
                .value(true)
                .name("nothing")
                .value((String) null)
                .name("at")
                .value(Instant.parse("2026-12-01T10:15:30Z"))
                .name("ms")
                .millis(Duration.ofSeconds(2))
                .name("empty")
                .beginArray()
                .endArray()
                .name("emptyObject")
                .beginObject()
                .endObject()
                .name("list")
                .beginArray()
                .value(1L)
                .beginObject()
                .name("k")
                .value("v")
                .endObject()
                .nullValue()
                .endArray()
                .endObject()
                .toString();
        JsonNode n = parse(json);
        assertThat(n.get("s").asText()).isEqualTo("x");
        assertThat(n.get("n").asLong()).isEqualTo(-42);
        assertThat(n.get("d").asDouble()).isEqualTo(1.5);
        assertThat(n.get("whole").isIntegralNumber()).isTrue();
        assertThat(n.get("nan").isNull()).isTrue();
        assertThat(n.get("b").asBoolean()).isTrue();
        assertThat(n.get("nothing").isNull()).isTrue();
        assertThat(n.get("at").asText()).isEqualTo("2026-12-01T10:15:30Z");
        assertThat(n.get("ms").asLong()).isEqualTo(2000);
        assertThat(n.get("empty").size()).isZero();
        assertThat(n.get("emptyObject").size()).isZero();
        assertThat(n.get("list").get(1).get("k").asText()).isEqualTo("v");
        assertThat(n.get("list").get(2).isNull()).isTrue();
    }

    @Test
    void document_isIndented() {
        String json = JsonWriter.create()
                .beginObject()
                .name("a")
                .beginArray()
                .value(1L)
                .value(2L)
                .endArray()
                .endObject()
                .toString();
        assertThat(json).isEqualTo("{\n  \"a\": [\n    1,\n    2\n  ]\n}");
    }

    @Test
    void name_outsideObject_rejected() {
        JsonWriter w = JsonWriter.create().beginArray();
        assertThatThrownBy(() -> w.name("x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("A name belongs directly inside an object, before its value: x");
    }

    @Test
    void value_insideObjectWithoutName_rejected() {
        JsonWriter w = JsonWriter.create().beginObject();
        assertThatThrownBy(() -> w.value("x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("A value inside an object needs a name first");
    }

    @Test
    void toString_unclosedObject_rejected() {
        JsonWriter w = JsonWriter.create().beginObject().name("a").value(1L);
        assertThatThrownBy(w::toString)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("The JSON document is incomplete");
    }

    @Test
    void endArray_closingAnObject_rejected() {
        JsonWriter w = JsonWriter.create().beginObject();
        assertThatThrownBy(w::endArray).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void value_secondTopLevelValue_rejected() {
        JsonWriter w = JsonWriter.create().beginObject().endObject();
        assertThatThrownBy(() -> w.value(1L))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("A JSON document has one top-level value");
    }
}
