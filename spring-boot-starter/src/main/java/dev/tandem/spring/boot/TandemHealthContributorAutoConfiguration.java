package dev.tandem.spring.boot;

import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code tandem} health indicator ({@link TandemHealthIndicator}): active with Actuator on
 * the class path, {@link TandemAutoConfiguration} active, and {@code management.health.tandem.enabled} not
 * {@code false}. Every read refreshes Tandem's gauges.
 */
@AutoConfiguration(after = TandemAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(StatusReader.class)
@ConditionalOnEnabledHealthIndicator("tandem")
public class TandemHealthContributorAutoConfiguration {

    TandemHealthContributorAutoConfiguration() {}

    @Bean
    @ConditionalOnMissingBean(name = "tandemHealthIndicator")
    TandemHealthIndicator tandemHealthIndicator(StatusReader status) {
        return new TandemHealthIndicator(status);
    }
}
