package dev.registry.api.clients;

import jakarta.servlet.ServletException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;

/**
 * Records every HTTP request the registry answers, server-side: a Tomcat valve added to the
 * running engine's pipeline while a test needs it and removed afterwards. Unlike a filter bean
 * it leaves the shared Spring context (and so its cache key) untouched, and it sees the request
 * line exactly as the client sent it, before any filter rewrites the path.
 */
final class RequestLog implements Valve, AutoCloseable {

    /** One request: method, raw path, decoded query parameters and the status sent back. */
    record Entry(String method, String path, Map<String, String> query, int status) {

        boolean isUploadRequest(String repository) {
            return path.startsWith("/v2/" + repository + "/blobs/uploads/");
        }

        @Override
        public String toString() {
            return method + " " + path + (query.isEmpty() ? "" : " " + query) + " -> " + status;
        }
    }

    static final String UNPARSED = "<unparsed request line>";

    private final ConcurrentLinkedQueue<Entry> entries = new ConcurrentLinkedQueue<>();
    private final Pipeline pipeline;
    private Valve next;

    private RequestLog(Pipeline pipeline) {
        this.pipeline = pipeline;
        // addValve puts this valve right before the basic one; pointing there already means a
        // request that arrives while the pipeline is being relinked still finds a next valve
        this.next = pipeline.getBasic();
    }

    /** Starts recording on the registry of {@code context}; close to stop. */
    static RequestLog attach(ApplicationContext context) {
        TomcatWebServer server = (TomcatWebServer) ((WebServerApplicationContext) context).getWebServer();
        Pipeline pipeline = server.getTomcat().getEngine().getPipeline();
        RequestLog log = new RequestLog(pipeline);
        pipeline.addValve(log);
        return log;
    }

    /** Forgets what was recorded so far. */
    void clear() {
        entries.clear();
    }

    List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** The recorded requests whose raw path starts with {@code /v2/<repository>/}. */
    List<Entry> forRepository(String repository) {
        return entries.stream().filter(e -> e.path().startsWith("/v2/" + repository + "/")).toList();
    }

    @Override
    public void close() {
        pipeline.removeValve(this);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        // read the request line first: once the request is answered Tomcat may recycle it
        String method = request.getMethod();
        // null when Tomcat could not parse the request line: clients that try HTTPS first
        // (skopeo, podman, Jib) send a TLS handshake to this plain-HTTP port
        String path = request.getRequestURI() == null ? UNPARSED : request.getRequestURI();
        Map<String, String> query = query(request.getQueryString());
        try {
            next.invoke(request, response);
        } finally {
            entries.add(new Entry(method, path, query, response.getStatus()));
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.put(key, value);
        }
        return query;
    }

    @Override
    public Valve getNext() {
        return next;
    }

    @Override
    public void setNext(Valve valve) {
        this.next = valve;
    }

    @Override
    public void backgroundProcess() {
    }

    @Override
    public boolean isAsyncSupported() {
        return true;
    }
}
