package dev.registry.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryIntegrationTest;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.catalina.Container;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.tomcat.util.collections.SynchronizedStack;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.NioEndpoint;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;

/** What {@link TomcatConfiguration} sets on the running connector. */
@RegistryIntegrationTest
class TomcatConfigurationTest {

    @Autowired
    ApplicationContext context;

    @LocalServerPort
    int port;

    /**
     * A closed connection's 64 KiB read and write buffers wait in Tomcat's channel cache for the next connection,
     * which Tomcat's default leaves out under a 2 GiB heap limit (docs/benchmarks.md, "Latency tail").
     */
    @Test
    void aClosedConnectionsLargeBuffersAreKeptForTheNextConnection() throws Exception {
        NioEndpoint endpoint = endpoint();
        assertThat(endpoint.getSocketProperties().getAppReadBufSize()).isEqualTo(65536);
        assertThat(endpoint.getSocketProperties().getAppWriteBufSize()).isEqualTo(65536);
        SynchronizedStack<NioChannel> cache = field(endpoint, NioEndpoint.class, "nioChannels");
        assertThat(cache).as("Tomcat's cache of closed connections' channels").isNotNull();
        assertThat((Integer) field(cache, SynchronizedStack.class, "limit")).isEqualTo(TomcatConfiguration.CACHED_CONNECTIONS);

        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /v2/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            in.readAllBytes(); // until the server closes the connection
        }
        NioChannel kept = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (kept == null && System.nanoTime() < deadline) {
            kept = cache.pop();
            if (kept == null) {
                Thread.sleep(20);
            }
        }
        assertThat(kept).as("a channel kept after the connection closed").isNotNull();
        try {
            assertThat(kept.getBufHandler().getReadBuffer().capacity()).isEqualTo(65536);
            assertThat(kept.getBufHandler().getWriteBuffer().capacity()).isEqualTo(65536);
        } finally {
            cache.push(kept);
        }
    }

    /**
     * Tomcat holds one filter, with the application's filters inside in their order ({@link MergedFilterChain}): a
     * request's chain then takes Tomcat's context-wide filter-config monitor once instead of once per filter.
     */
    @Test
    void tomcatHoldsOneFilterWithTheApplicationsFiltersInside() {
        Container[] contexts = ((TomcatWebServer) ((WebServerApplicationContext) context).getWebServer()).getTomcat()
                .getHost().findChildren();
        assertThat(contexts).hasSize(1);
        Context tomcatContext = (Context) contexts[0];
        assertThat(tomcatContext.findFilterMaps()).extracting(FilterMap::getFilterName).containsExactly(MergedFilterChain.NAME);
        List<String> names = ((MergedFilterChain) tomcatContext.findFilterDef(MergedFilterChain.NAME).getFilter()).filterNames();
        assertThat(names).contains("springSecurityFilterChain", "authenticationFilter", "repositoryPathFilter",
                "distributionAccessFilter", "accessLog");
        assertThat(names.indexOf("repositoryPathFilter")).isLessThan(names.indexOf("authenticationFilter"));
        assertThat(names.indexOf("authenticationFilter")).isLessThan(names.indexOf("distributionAccessFilter"));
    }

    /**
     * Requests run on Tomcat's platform-thread pool, not a virtual thread each, and pass {@link RequestAdmission}
     * first (docs/benchmarks.md, "The storm's tail, again").
     */
    @Test
    void requestsRunOnPlatformThreadsBehindTheAdmissionLimit() throws Exception {
        assertThat(endpoint().getExecutor()).isInstanceOf(org.apache.tomcat.util.threads.ThreadPoolExecutor.class);
        org.apache.catalina.Valve[] valves = ((TomcatWebServer) ((WebServerApplicationContext) context).getWebServer())
                .getTomcat().getEngine().getPipeline().getValves();
        assertThat(valves).hasAtLeastOneElementOfType(RequestAdmission.class);
        RequestAdmission admission = context.getBean(RequestAdmission.class);
        assertThat(admission.available()).isEqualTo(8 * Runtime.getRuntime().availableProcessors());
    }

    private NioEndpoint endpoint() throws ReflectiveOperationException {
        Connector connector = ((TomcatWebServer) ((WebServerApplicationContext) context).getWebServer()).getTomcat()
                .getConnector();
        Method getEndpoint = org.apache.coyote.AbstractProtocol.class.getDeclaredMethod("getEndpoint");
        getEndpoint.setAccessible(true);
        return (NioEndpoint) getEndpoint.invoke(connector.getProtocolHandler());
    }

    @SuppressWarnings("unchecked")
    private static <T> T field(Object target, Class<?> type, String name) throws ReflectiveOperationException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return (T) field.get(target);
    }
}
