package dev.tandem.cli.internal;

import static java.util.Objects.requireNonNull;

import dev.tandem.cli.ExitCodes;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * What a command did, ready to print: text for people, JSON members for pipelines, and the failure if it did not
 * succeed (a command that stops half-way, like {@code run-to} over several plans, has both). Immutable.
 *
 * @param command the command's name
 * @param text what stdout shows without {@code --json}; may be empty
 * @param json writes the document's members after {@code "command"}
 * @param failure why it did not succeed, or {@code null}
 */
record Result(
        String command,
        String text,
        Consumer<JsonWriter> json,
        @Nullable Failure failure) {

    Result {
        requireNonNull(command, "command");
        requireNonNull(text, "text");
        requireNonNull(json, "json");
    }

    static Result ok(String command, String text, Consumer<JsonWriter> json) {
        return new Result(command, text, json, null);
    }

    static Result failed(String command, Failure failure) {
        return new Result(command, "", w -> {}, failure);
    }

    Result withFailure(@Nullable Failure f) {
        return new Result(command, text, json, f);
    }

    int exitCode() {
        Failure f = failure;
        return f == null ? ExitCodes.OK : f.exitCode();
    }

    /** {@return the whole JSON document} */
    String document() {
        JsonWriter w = JsonWriter.create().beginObject();
        w.name("command").value(command);
        json.accept(w);
        Failure f = failure;
        if (f != null) {
            Views.failure(w, f);
        }
        return w.endObject().toString();
    }
}
