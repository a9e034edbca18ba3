package dev.tandem.testkit;

import javax.sql.DataSource;

/**
 * Writes one logical record (a customer, an order) the way one application version does, identified by a key the
 * {@linkplain CompatibilityHarness harness} chooses. The harness then reads the record back with every version's
 * {@link RowReader} and compares what they see. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface RowWriter {
    /**
     * Inserts (or updates) the record identified by {@code key}.
     *
     * @param dataSource connections to the database in the state under test
     * @param key a key unique within one harness run, such as {@code expanded-v1-1}: lower-case letters, digits and
     *     dashes, at most 40 characters. Store it where your reader can find the record again (an e-mail address, a
     *     name) and derive the record's values from it if you like
     * @throws Exception if the write fails; the harness records it as a failure in this state
     */
    void write(DataSource dataSource, String key) throws Exception;
}
