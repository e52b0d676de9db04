package dev.registry.api.config;

import dev.registry.api.edge.JsonErrorReportValve;
import org.apache.catalina.core.StandardHost;
import org.apache.tomcat.util.buf.EncodedSolidusHandling;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tomcat settings the registry depends on.
 *
 * <p>Lets {@code %2F} in a path reach the application so a repository name carrying one is refused
 * with the OCI error {@code NAME_INVALID} instead of Tomcat's bare HTML 400.
 */
@Configuration(proxyBeanMethods = false)
class TomcatConfiguration {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> encodedSlashesReachTheApplication() {
        return factory -> factory.addConnectorCustomizers(connector ->
                connector.setEncodedSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue()));
    }

    /**
     * Blob bytes move in 64 KiB socket reads and writes instead of Tomcat's 8 KiB default: a
     * 40 MiB push took 5,357 reads of the request body before (docs/benchmarks.md).
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> largeSocketBuffers() {
        return factory -> factory.addConnectorCustomizers(connector -> {
            connector.setProperty("socket.appReadBufSize", "65536");
            connector.setProperty("socket.appWriteBufSize", "65536");
        });
    }

    /**
     * Errors Tomcat answers before the application runs ({@code %00} in the path, headers over the
     * limit) get the registry's JSON instead of Tomcat's HTML page (issue 11, security item 8). The
     * host is not started yet when contexts are customised, so it installs this valve class then.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> jsonErrorReports() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
            }
        });
    }
}
