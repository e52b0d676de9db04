package dev.registry.api.config;

import dev.registry.api.edge.JsonErrorReportValve;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import org.apache.catalina.Engine;
import org.apache.catalina.core.StandardHost;
import org.apache.tomcat.util.buf.EncodedSolidusHandling;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.context.SmartLifecycle;
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

    /** Connections whose buffers are kept for the next connection (see {@link #largeSocketBuffers()}). */
    static final int CACHED_CONNECTIONS = 64;

    /**
     * Blob bytes move in 64 KiB socket reads and writes instead of Tomcat's 8 KiB default: a
     * 40 MiB push took 5,357 reads of the request body before (docs/benchmarks.md).
     *
     * <p>The buffers of a closed connection are kept for the next one, up to {@link #CACHED_CONNECTIONS}
     * connections' worth (8 MiB). Tomcat keeps none when the heap limit is under 2 GiB (its default pool size
     * is a 32nd of a heap above that, nothing below): each new connection then allocated 128 KiB that lived
     * as long as it, which kept-alive clients (a new connection every 100 requests) turned into a steady
     * stream of promotions and a full collection every few seconds under load (docs/benchmarks.md, "Latency
     * tail").
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> largeSocketBuffers() {
        return factory -> factory.addConnectorCustomizers(connector -> {
            connector.setProperty("socket.appReadBufSize", "65536");
            connector.setProperty("socket.appWriteBufSize", "65536");
            connector.setProperty("socket.bufferPool", Integer.toString(CACHED_CONNECTIONS));
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

    /**
     * The application's servlet filters reach Tomcat as one filter, so that building a request's filter chain takes
     * Tomcat's context-wide monitor once instead of once per matching filter ({@link MergedFilterChain}).
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> oneRegisteredFilter() {
        return factory -> factory.addContextCustomizers(context ->
                context.addServletContainerInitializer(MergedFilterChain.initializer(context), null));
    }

    /**
     * Requests run on Tomcat's pool of platform threads ({@code server.tomcat.threads.max}, 200 by default), not on a
     * virtual thread each, even though {@code spring.threads.virtual.enabled} keeps the scheduled jobs and executors
     * on virtual threads; at most {@code registry.http.max-active-requests} of them (8 per core by default) run
     * through the container at once ({@link RequestAdmission}).
     *
     * <p>Why: on JDK 25 a virtual thread that meets a held monitor unmounts and waits to be woken through the JVM's
     * unblocker, and under a node storm on 2 cores groups of request threads stayed blocked on monitors held only for
     * a map lookup (Tomcat's filter configurations, a {@code ConcurrentHashMap} bin, H2's page cache) for 4-15 s
     * while other requests passed them; platform threads block on the same monitors for microseconds. Measured with
     * {@code bench/storm.sh} (docs/benchmarks.md, "The storm's tail, again"): slowest pull 10-33 s on virtual threads,
     * 1.2 s on platform threads behind the admission limit.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> platformRequestThreads() {
        return factory -> factory.addProtocolHandlerCustomizers(protocol -> protocol.setExecutor(null));
    }

    /** At most {@code registry.http.max-active-requests} requests (8 per core by default) in the container at once. */
    @Bean
    RequestAdmission requestAdmission(RegistryProperties properties) {
        int configured = properties.http().maxActiveRequests();
        return new RequestAdmission(configured > 0 ? configured : 8 * Runtime.getRuntime().availableProcessors());
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> requestAdmissionValve(RequestAdmission admission) {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() != null && context.getParent().getParent() instanceof Engine engine) {
                engine.getPipeline().addValve(admission);
            }
        });
    }

    @Bean
    SmartLifecycle admittedRequestsFinish(RequestAdmission admission,
            @Value("${spring.lifecycle.timeout-per-shutdown-phase:30s}") Duration timeout) {
        return RequestAdmission.finishBeforeTheServerStops(admission, timeout);
    }

    /** Closes the listening socket before Spring Boot's graceful shutdown pauses the connector ({@link StopListening}). */
    @Bean
    StopListening stopListening(RequestAdmission admission) {
        return new StopListening(admission::inside);
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> stopListeningConnector(StopListening stopListening) {
        return factory -> factory.addConnectorCustomizers(stopListening::connector);
    }

    /** {@code registry_http_requests_waiting}: requests waiting for admission ({@link RequestAdmission}). */
    @Bean
    MeterBinder requestAdmissionMetrics(RequestAdmission admission) {
        return meters -> Gauge.builder("registry.http.requests.waiting", admission, RequestAdmission::waiting)
                .description("Requests waiting for one of registry.http.max-active-requests").register(meters);
    }
}
