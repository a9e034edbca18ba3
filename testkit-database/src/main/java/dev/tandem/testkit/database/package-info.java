/**
 * A real PostgreSQL for tests, ours and our users': an existing server, a Testcontainers container, or an embedded
 * PostgreSQL that needs neither Docker nor an installed server (the default).
 *
 * <p>Start with {@link dev.tandem.testkit.database.TestPostgresConfig#fromEnvironment()}, get a server from
 * {@link dev.tandem.testkit.database.PostgresServers#shared(TestPostgresConfig)}, and give each test class its own
 * {@link dev.tandem.testkit.database.TestDatabase} with
 * {@link dev.tandem.testkit.database.PostgresServer#createDatabase(String)}.
 */
@NullMarked
@CheckReturnValue
package dev.tandem.testkit.database;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
