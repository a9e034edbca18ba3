package dev.tandem.examples.boot;

import dev.tandem.examples.customers.AppV2;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Version 2 of the shop: reads and writes the structured address columns. At startup the Tandem starter expands the
 * plans of its class path ({@code dev.tandem.examples.customers.CustomersPlans}, found through
 * {@code META-INF/services}) and backfills them in a background thread; the {@code tandem} health indicator and
 * Actuator endpoint show where each plan stands. It never contracts: the pipeline runs the CLI's {@code contract} once
 * version 1 is gone.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ShopV2Application {

    /** The properties that make this version what it is; a deployment adds its {@code spring.datasource.*}. */
    public static final Map<String, Object> PROPERTIES = Map.of(
            "spring.application.name", "shop-v2",
            "spring.main.web-application-type", "none",
            "spring.datasource.hikari.data-source-properties.ApplicationName", "shop-v2",
            "tandem.expand-on-startup", "true",
            "tandem.backfill-on-startup", "true",
            "tandem.old-version.application-names", "shop-v1%",
            "management.endpoints.web.exposure.include", "health,tandem");

    /** Creates the configuration; Spring calls this. */
    public ShopV2Application() {}

    /**
     * {@return the version's data access}
     *
     * @param dataSource the pool
     */
    @Bean
    AppV2 customers(DataSource dataSource) {
        return new AppV2(dataSource);
    }

    /**
     * {@return a running version 2}
     *
     * @param args Spring Boot arguments, such as {@code --spring.datasource.url=...}
     */
    public static ConfigurableApplicationContext start(String... args) {
        return new SpringApplicationBuilder(ShopV2Application.class)
                .properties(PROPERTIES)
                .run(args);
    }

    /**
     * Runs version 2 until it is stopped.
     *
     * @param args Spring Boot arguments
     */
    public static void main(String[] args) {
        var unused = start(args);
    }
}
