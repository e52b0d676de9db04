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
import org.apache.catalina.connector.Connector;
import org.apache.tomcat.util.collections.SynchronizedStack;
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
