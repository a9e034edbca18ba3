package dev.tandem.testkit.database.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Version numbers of zonky's binary artifacts, such as {@code 17.6.0} or {@code 10.5.0-1}. */
public final class BinaryVersion {
    private static final Pattern VERSION = Pattern.compile("[0-9]+(\\.[0-9]+)*(-[0-9]+)?");
    private static final Pattern SEPARATORS = Pattern.compile("[.-]");

    /** Orders versions numerically, segment by segment; {@code 10.5.0-1} comes after {@code 10.5.0}. */
    public static final Comparator<String> ORDER = BinaryVersion::compare;

    private BinaryVersion() {}

    /**
     * {@return whether the text is a plain numeric version such as {@code 17.6.0} or {@code 10.5.0-1}}
     *
     * @param text any text
     */
    public static boolean isVersion(String text) {
        return VERSION.matcher(text).matches();
    }

    /**
     * {@return whether a version belongs to a PostgreSQL major version: {@code 17.6.0} to 17, not to 1}
     *
     * @param version a version
     * @param majorVersion the major version
     */
    public static boolean hasMajor(String version, int majorVersion) {
        return isVersion(version) && version.startsWith(majorVersion + ".");
    }

    /**
     * {@return the highest version of the major version, if there is one}
     *
     * @param versions candidate versions; anything that is not a plain version is ignored
     * @param majorVersion the PostgreSQL major version
     */
    public static Optional<String> highest(Collection<String> versions, int majorVersion) {
        return versions.stream().filter(v -> hasMajor(v, majorVersion)).max(ORDER);
    }

    private static int compare(String left, String right) {
        List<Long> a = segments(left);
        List<Long> b = segments(right);
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            long x = i < a.size() ? a.get(i) : -1;
            long y = i < b.size() ? b.get(i) : -1;
            if (x != y) {
                return Long.compare(x, y);
            }
        }
        return 0;
    }

    private static List<Long> segments(String version) {
        List<Long> segments = new ArrayList<>();
        for (String segment : SEPARATORS.split(version, -1)) {
            segments.add(segment.matches("[0-9]{1,18}") ? Long.parseLong(segment) : -1L);
        }
        return segments;
    }
}
