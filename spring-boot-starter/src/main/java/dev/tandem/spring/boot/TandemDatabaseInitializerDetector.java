package dev.tandem.spring.boot;

import java.util.Set;
import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;
import org.springframework.core.Ordered;

/**
 * Makes Tandem's startup expand a database initializer in Spring Boot's sense: it runs after the initializers ordered
 * before it (Flyway and Liquibase migrations, {@code schema.sql} scripts), whose tables the plans change, and every
 * bean that depends on database initialization (a {@code JdbcTemplate}, JPA's {@code EntityManagerFactory}, jOOQ's
 * {@code DSLContext}, a bean marked {@code @DependsOnDatabaseInitialization}) is created after it. Listed in
 * {@code META-INF/spring.factories}.
 */
final class TandemDatabaseInitializerDetector extends AbstractBeansOfTypeDatabaseInitializerDetector {

    /** After Flyway (0, 1), Liquibase (0) and the SQL scripts ({@code LOWEST_PRECEDENCE - 100}). */
    static final int ORDER = Ordered.LOWEST_PRECEDENCE - 50;

    @Override
    protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
        return Set.of(TandemMigrationInitializer.class);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
