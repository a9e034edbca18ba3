package dev.tandem.testkit;

import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Reads one logical record the way one application version does, and returns it in a representation that every
 * version can produce, so that the {@linkplain CompatibilityHarness harness} can compare what the versions see. For a
 * customer's address, return the same {@code Address} record from the old version (parsing its one text column) and
 * from the new version (reading its structured columns). Implementations must be thread-safe.
 */
@FunctionalInterface
public interface RowReader {
    /**
     * Reads the record identified by {@code key}.
     *
     * @param dataSource connections to the database in the state under test
     * @param key the key a {@link RowWriter} was given
     * @return the record in the shared representation, compared with {@code equals}; {@code null} if there is no such
     *     record (always a failure)
     * @throws Exception if the read fails; the harness records it as a failure in this state
     */
    @Nullable
    Object read(DataSource dataSource, String key) throws Exception;
}
