package dev.tandem.examples.boot;

import dev.tandem.examples.customers.AppV1;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Version 1 of the shop: reads and writes {@code customers.address}. It was released before the address split, so it
 * runs no plan ({@code tandem.enabled=false}); its connections say {@code application_name = shop-v1}, which is how the
 * old-version guard tells that it is still up.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ShopV1Application {

    /** The properties that make this version what it is; a deployment adds its {@code spring.datasource.*}. */
    public static final Map<String, Object> PROPERTIES = Map.of(
            "spring.application.name", "shop-v1",
            "spring.main.web-application-type", "none",
            "spring.datasource.hikari.data-source-properties.ApplicationName", "shop-v1",
            "tandem.enabled", "false");

    /** Creates the configuration; Spring calls this. */
    public ShopV1Application() {}

    /**
     * {@return the version's data access}
     *
     * @param dataSource the pool
     */
    @Bean
    AppV1 customers(DataSource dataSource) {
        return new AppV1(dataSource);
    }

    /**
     * {@return a running version 1}
     *
     * @param args Spring Boot arguments, such as {@code --spring.datasource.url=...}
     */
    public static ConfigurableApplicationContext start(String... args) {
        return new SpringApplicationBuilder(ShopV1Application.class)
                .properties(PROPERTIES)
                .run(args);
    }

    /**
     * Runs version 1 until it is stopped.
     *
     * @param args Spring Boot arguments
     */
    public static void main(String[] args) {
        var unused = start(args);
    }
}
