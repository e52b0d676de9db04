package dev.registry.api.distribution;

import dev.registry.api.security.Challenges;
import dev.registry.core.access.AccessService;
import dev.registry.core.access.CredentialService;
import dev.registry.core.access.ProjectCreator;
import dev.registry.core.proxy.ProxyService;
import dev.registry.core.upload.UploadService;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

@Configuration(proxyBeanMethods = false)
class DistributionConfiguration {

    /** Runs first so every later filter and the dispatcher see the internal path. */
    @Bean
    FilterRegistrationBean<RepositoryPathFilter> repositoryPathFilter(OciErrors errors, ProxyService proxy) {
        FilterRegistrationBean<RepositoryPathFilter> registration = new FilterRegistrationBean<>(
                new RepositoryPathFilter(errors, proxy::projectMirroring));
        registration.addUrlPatterns("/v2/*", "/v2");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    /** After authentication (see SecurityConfiguration) and the path split: decides every /v2 request. */
    @Bean
    FilterRegistrationBean<DistributionAccessFilter> distributionAccessFilter(AccessService access, ProjectCreator creator,
            CredentialService credentials, UploadService uploads, Challenges challenges, OciErrors errors) {
        FilterRegistrationBean<DistributionAccessFilter> registration = new FilterRegistrationBean<>(
                new DistributionAccessFilter(access, creator, credentials, uploads, challenges, errors));
        registration.addUrlPatterns("/v2/*", "/v2");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 30);
        return registration;
    }
}
