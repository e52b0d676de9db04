package dev.registry.api.management;

import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.validation.Validator;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration(proxyBeanMethods = false)
class ManagementWebConfiguration implements WebMvcConfigurer {

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new CallerArgumentResolver());
    }

    /** What checks {@code @Valid @RequestBody} bodies: {@link BodyConstraints} (no Bean Validation provider is on the class path). */
    @Override
    public Validator getValidator() {
        return new BodyConstraints();
    }
}
