package dev.registry.api.aot;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The training run's HTTP/1.1 client ({@link AotTraining.Http}) against the JDK's HTTP server: the answers' framings
 * (RFC 9112 section 6: Content-Length, chunked, none for HEAD and 204), kept-alive connections reused, and a new
 * connection when the server closed one (the training would otherwise fail the build).
 */
class AotTrainingHttpTest {

    private static final byte[] NONE = new byte[0];
    private HttpServer server;
    private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
    private String base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        byte[] request = exchange.getRequestBody().readAllBytes();
        seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + exchange.getRemoteAddress().getPort()
                + " " + new String(request, StandardCharsets.UTF_8));
        String path = exchange.getRequestURI().getPath();
        exchange.getResponseHeaders().add("Location", "/next?state=" + path.length());
        byte[] body = ("answer to " + path).getBytes(StandardCharsets.UTF_8);
        switch (path) {
            case "/chunked" -> {
                exchange.sendResponseHeaders(200, 0); // length 0: the JDK's server sends chunks
                exchange.getResponseBody().write(body);
            }
            case "/empty" -> exchange.sendResponseHeaders(204, -1);
            case "/close" -> {
                exchange.getResponseHeaders().add("Connection", "close");
                exchange.sendResponseHeaders(202, body.length);
                exchange.getResponseBody().write(body);
            }
            default -> {
                boolean head = exchange.getRequestMethod().equals("HEAD");
                exchange.sendResponseHeaders(path.equals("/missing") ? 404 : 201, head ? -1 : body.length);
                if (!head) {
                    exchange.getResponseBody().write(body);
                }
            }
        }
        exchange.close();
    }

    @Test
    void readsEachFramingAndKeepsTheConnection() throws IOException {
        try (AotTraining.Http http = new AotTraining.Http()) {
            AotTraining.Response sized = http.send("PUT", URI.create(base + "/sized?x=1"), "hello".getBytes(), "X-A", "b");
            AotTraining.Response chunked = http.send("GET", URI.create(base + "/chunked"), NONE);
            AotTraining.Response head = http.send("HEAD", URI.create(base + "/sized"), NONE);
            AotTraining.Response empty = http.send("DELETE", URI.create(base + "/empty"), NONE);
            AotTraining.Response missing = http.send("GET", URI.create(base + "/missing"), NONE);
            AotTraining.Response closing = http.send("POST", URI.create(base + "/close"), NONE);
            AotTraining.Response after = http.send("GET", URI.create(base + "/after-close"), NONE);

            assertThat(sized.status()).isEqualTo(201);
            assertThat(sized.body()).isEqualTo("answer to /sized");
            assertThat(sized.header("location")).isEqualTo("/next?state=6");
            assertThat(chunked.status()).isEqualTo(200);
            assertThat(chunked.body()).isEqualTo("answer to /chunked");
            assertThat(head.status()).isEqualTo(201);
            assertThat(head.body()).isEmpty();
            assertThat(empty.status()).isEqualTo(204);
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.body()).isEqualTo("answer to /missing");
            assertThat(closing.status()).isEqualTo(202);
            assertThat(after.status()).isEqualTo(201);
        }
        assertThat(seen).hasSize(7);
        assertThat(seen.get(0)).startsWith("PUT /sized?x=1 ").endsWith(" hello");
        // one connection (the same client port) up to the answer with Connection: close, a new one after it
        List<String> ports = seen.stream().map(line -> line.split(" ")[2]).toList();
        assertThat(ports.subList(0, 6).stream().distinct()).hasSize(1);
        assertThat(ports.get(6)).isNotEqualTo(ports.get(0));
    }

    @Test
    void opensANewConnectionWhenTheServerClosedTheOldOne() throws Exception {
        // a server that answers one request per connection, then closes it without saying so (no Connection: close)
        try (ServerSocket closing = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                AotTraining.Http http = new AotTraining.Http()) {
            AtomicInteger accepted = new AtomicInteger();
            Thread acceptor = Thread.ofPlatform().daemon().start(() -> {
                while (!closing.isClosed()) {
                    try (Socket socket = closing.accept()) {
                        accepted.incrementAndGet();
                        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                                StandardCharsets.ISO_8859_1));
                        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                            // the request's head; GETs have no body
                        }
                        socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                                .getBytes(StandardCharsets.ISO_8859_1));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            URI uri = URI.create("http://127.0.0.1:" + closing.getLocalPort() + "/v2/");
            for (int i = 0; i < 3; i++) {
                AotTraining.Response response = http.send("GET", uri, NONE);
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("ok");
            }
            assertThat(accepted).hasValue(3);
            closing.close();
            acceptor.join(5_000);
        }
    }
}
