package dev.registry.web;

import dev.registry.web.security.ConsoleCaller;
import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.resource.LiteWebJarsResourceResolver;

/** The console's MVC pieces: the signed-in user as an argument, its assets under {@code /ui}, {@code /} to the projects. */
@Configuration(proxyBeanMethods = false)
class ConsoleWebConfiguration implements WebMvcConfigurer {

    private final ConsoleCaller caller;

    ConsoleWebConfiguration(ConsoleCaller caller) {
        this.caller = caller;
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(caller);
    }

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        // htmx from its WebJar, by a path without its version (/ui/webjars/htmx.org/dist/htmx.min.js)
        registry.addResourceHandler(ConsolePaths.ASSETS + "/webjars/**")
                .addResourceLocations("classpath:/META-INF/resources/webjars/")
                .resourceChain(true).addResolver(new LiteWebJarsResourceResolver());
        // a resolved path is cached (resourceChain): each page links its assets, and an uncached link is a classpath lookup
        registry.addResourceHandler(ConsolePaths.ASSETS + "/**").addResourceLocations("classpath:/console/").resourceChain(true);
    }

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/", ConsolePaths.PROJECTS);
    }
}
