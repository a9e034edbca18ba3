/**
 * Tandem for Spring Boot: {@link dev.tandem.spring.boot.TandemAutoConfiguration} runs the pending expands of the
 * application's plans when it starts, after Flyway, Liquibase and SQL scripts and before anything that uses the
 * database, and never contracts. Settings are {@link dev.tandem.spring.boot.TandemProperties} ({@code tandem.*});
 * with Actuator, {@link dev.tandem.spring.boot.TandemEndpoint} and {@link dev.tandem.spring.boot.TandemHealthIndicator}
 * report where every plan stands; with Micrometer, Tandem's meters are published.
 */
@NullMarked
@CheckReturnValue
package dev.tandem.spring.boot;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
