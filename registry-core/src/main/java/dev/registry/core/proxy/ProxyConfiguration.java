package dev.registry.core.proxy;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ProxyPolicy.class)
class ProxyConfiguration {

    @Bean
    ProxySecrets proxySecrets(ProxyPolicy policy) {
        return ProxySecrets.of(policy);
    }
}
