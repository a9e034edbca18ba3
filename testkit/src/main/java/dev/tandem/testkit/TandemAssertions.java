package dev.tandem.testkit;

import static java.util.Objects.requireNonNull;

import dev.tandem.plan.Identifier;
import java.util.List;
import javax.sql.DataSource;

/**
 * Entry points of the test kit's AssertJ assertions. Import them statically next to AssertJ's own; the overloads do not
 * clash:
 *
 * <pre>{@code
 * import static dev.tandem.testkit.TandemAssertions.assertThat;
 * import static dev.tandem.testkit.TandemAssertions.assertThatSchema;
 * import static org.assertj.core.api.Assertions.assertThat;
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class TandemAssertions {
    private TandemAssertions() {}

    /**
     * {@return assertions on everything the recorder recorded so far}
     *
     * @param recorder the recorder
     */
    public static LockAssert assertThat(LockRecorder recorder) {
        requireNonNull(recorder, "recorder");
        return new LockAssert(recorder.units(), "all");
    }

    /**
     * {@return assertions on one recorded unit, such as a statement recorded with {@link LockRecorder#record}}
     *
     * @param unit the unit
     */
    public static LockAssert assertThat(RecordedUnit unit) {
        requireNonNull(unit, "unit");
        return new LockAssert(List.of(unit), "one unit");
    }

    /**
     * {@return assertions on the schema and data of a database, with Tandem's state schema {@code tandem}}
     *
     * @param dataSource the database
     */
    public static SchemaAssert assertThatSchema(DataSource dataSource) {
        requireNonNull(dataSource, "dataSource");
        return new SchemaAssert(dataSource, Identifier.of("tandem"));
    }
}
