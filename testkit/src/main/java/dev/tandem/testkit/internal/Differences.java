package dev.tandem.testkit.internal;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Names the parts of two values a reader returned that differ: the components of a record, the entries of a map, the
 * elements of a list, so that a mismatch says {@code city} rather than showing two whole records.
 */
final class Differences {
    /** The most differing parts named. */
    private static final int MAX = 4;

    private Differences() {}

    /**
     * {@return {@code "; differs in city (written Paris, read null)"}, or empty if the values are not of a shape with named parts
     * or do not differ part by part}
     */
    static String between(@Nullable Object expected, @Nullable Object actual) {
        List<String> parts = new ArrayList<>();
        collect("", expected, actual, parts);
        if (parts.isEmpty()) {
            return "";
        }
        int shown = Math.min(parts.size(), MAX);
        return "; differs in " + String.join(", ", parts.subList(0, shown))
                + (parts.size() > shown ? " and " + (parts.size() - shown) + " more" : "");
    }

    private static void collect(String path, @Nullable Object expected, @Nullable Object actual, List<String> out) {
        if (Objects.equals(expected, actual)) {
            return;
        }
        if (expected != null && actual != null && expected.getClass() == actual.getClass()) {
            RecordComponent[] components = expected.getClass().getRecordComponents();
            if (components != null) {
                for (RecordComponent c : components) {
                    try {
                        c.getAccessor().setAccessible(true);
                        collect(
                                name(path, c.getName()),
                                c.getAccessor().invoke(expected),
                                c.getAccessor().invoke(actual),
                                out);
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        out.add(name(path, c.getName()));
                    }
                }
                return;
            }
        }
        if (expected instanceof Map<?, ?> a && actual instanceof Map<?, ?> b) {
            Set<Object> keys = new LinkedHashSet<>(a.keySet());
            keys.addAll(b.keySet());
            for (Object k : keys) {
                collect(name(path, String.valueOf(k)), a.get(k), b.get(k), out);
            }
            return;
        }
        if (expected instanceof List<?> a && actual instanceof List<?> b && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                collect(path + "[" + i + "]", a.get(i), b.get(i), out);
            }
            return;
        }
        if (!path.isEmpty()) {
            out.add(path + " (written " + expected + ", read " + actual + ")");
        }
    }

    private static String name(String path, String part) {
        return path.isEmpty() ? part : path + "." + part;
    }
}
