package dev.tandem.spring.boot;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code tandem} Actuator endpoint ({@link TandemEndpoint}): active with Actuator on the class
 * path, {@link TandemAutoConfiguration} active, and the endpoint available (enabled and exposed, for example
 * {@code management.endpoints.web.exposure.include=health,tandem}). Every read refreshes Tandem's gauges.
 */
@AutoConfiguration(after = TandemAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(StatusReader.class)
@ConditionalOnAvailableEndpoint(endpoint = TandemEndpoint.class)
public class TandemEndpointAutoConfiguration {

    TandemEndpointAutoConfiguration() {}

    @Bean
    @ConditionalOnMissingBean
    TandemEndpoint tandemEndpoint(StatusReader status) {
        return new TandemEndpoint(status);
    }
}
