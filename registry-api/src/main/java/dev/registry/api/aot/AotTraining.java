package dev.registry.api.aot;

import dev.registry.api.RegistryApplication;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The training run of the JDK's ahead-of-time cache (README "Running in production", docs/benchmarks.md "Start-up"):
 * the build runs this with {@code -XX:AOTCacheOutput} instead of the registry's own main class. It starts the registry
 * on a free port of 127.0.0.1 in an empty working directory (its {@code ./data} is scratch), then does over HTTP what
 * the registry's users do first, {@link #ROUNDS} times: the Docker token dance, blob uploads (chunked and monolithic),
 * manifest pushes, pulls by tag and digest, ranged blob reads, listings, the management API and health. The
 * cache then holds the classes of those paths already linked, and the profiles of their methods (JEP 515), so a
 * replica's first pushes and pulls do not load, link and profile them from scratch. Stops the registry and returns;
 * the JVM writes the cache as it exits. Any answer other than the expected one fails the run (and the build).
 */
public final class AotTraining {

    /** Enough calls of each path for the JIT's profiles to settle, few enough to keep the build short. */
    static final int ROUNDS = 40;
    private static final String REPOSITORY = "training/app";
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    private AotTraining() {
    }

    public static void main(String[] args) throws Exception {
        if (Files.exists(Path.of("data"))) {
            throw new IllegalStateException("the training run needs an empty working directory: "
                    + Path.of("data").toAbsolutePath() + " exists");
        }
        String password = "Tr-9" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        List<String> arguments = new ArrayList<>(List.of(args));
        arguments.addAll(List.of("--server.address=127.0.0.1", "--server.port=0", "--registry.admin.password=" + password));
        ConfigurableApplicationContext context = RegistryApplication.application().run(arguments.toArray(String[]::new));
        try {
            String port = context.getEnvironment().getRequiredProperty("local.server.port");
            // the probes are on the management port when it has one of its own (the image's training: MANAGEMENT_SERVER_PORT)
            String managementPort = context.getEnvironment().getProperty("local.management.port", port);
            new Workload("http://127.0.0.1:" + port, "http://127.0.0.1:" + managementPort, "admin", password).run(ROUNDS);
        } finally {
            SpringApplication.exit(context);
        }
    }

    /** One client doing the users' first calls against the registry at {@code base}, its probes at {@code actuator}. */
    static final class Workload {
        private static final byte[] NO_BODY = new byte[0];
        private final Http http = new Http();
        private final String base;
        private final String actuator;
        private final String basic;
        private final Random random = new Random(15);

        Workload(String base, String actuator, String user, String password) {
            this.base = base;
            this.actuator = actuator;
            this.basic = "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        void run(int rounds) throws IOException {
            try (http) {
                expect(201, send("POST", "/api/v1/projects", "{\"name\":\"training\"}".getBytes(StandardCharsets.UTF_8),
                        "Authorization", basic, "Content-Type", "application/json"));
                for (int round = 0; round < rounds; round++) {
                    round(round);
                }
            }
        }

        private void round(int round) throws IOException {
            String token = token("repository:" + REPOSITORY + ":pull,push");
            String bearer = "Bearer " + token;
            byte[] layer = new byte[64 * 1024 + round];
            random.nextBytes(layer);
            String layerDigest = digest(layer);
            uploadBlob(bearer, layer, layerDigest, round % 2 == 0);
            byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                    + "\"diff_ids\":[\"" + layerDigest + "\"]}}").getBytes(StandardCharsets.UTF_8);
            String configDigest = digest(config);
            uploadBlob(bearer, config, configDigest, true);
            byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                    + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":"
                    + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                    + "\"digest\":\"" + layerDigest + "\",\"size\":" + layer.length + "}]}")
                    .getBytes(StandardCharsets.UTF_8);
            String tag = "r" + round;
            expect(201, send("PUT", v2("/manifests/" + tag), manifest, "Authorization", bearer,
                    "Content-Type", OCI_MANIFEST));
            pull(tag, digest(manifest), configDigest, layerDigest);
            browse();
        }

        /** Checks it is missing, then uploads it: a POST, a PATCH and a PUT, or one monolithic POST. */
        private void uploadBlob(String bearer, byte[] blob, String digest, boolean chunked) throws IOException {
            expect(404, send("HEAD", v2("/blobs/" + digest), NO_BODY, "Authorization", bearer));
            if (!chunked) {
                expect(201, send("POST", v2("/blobs/uploads/?digest=" + digest), blob, "Authorization", bearer,
                        "Content-Type", "application/octet-stream"));
                return;
            }
            String location = expect(202, send("POST", v2("/blobs/uploads/"), NO_BODY, "Authorization", bearer))
                    .header("Location");
            String next = expect(202, send("PATCH", location, blob, "Authorization", bearer,
                    "Content-Type", "application/octet-stream", "Content-Range", "0-" + (blob.length - 1)))
                    .header("Location");
            expect(201, send("PUT", next + (next.contains("?") ? "&" : "?") + "digest=" + digest, NO_BODY,
                    "Authorization", bearer));
        }

        /** What containerd does for one image: a token for pull, the manifest, the config and the layer. */
        private void pull(String tag, String manifestDigest, String configDigest, String layerDigest)
                throws IOException {
            String bearer = "Bearer " + token("repository:" + REPOSITORY + ":pull");
            expect(200, send("HEAD", v2("/manifests/" + tag), NO_BODY, "Authorization", bearer, "Accept", OCI_MANIFEST));
            expect(200, send("GET", v2("/manifests/" + tag), NO_BODY, "Authorization", bearer, "Accept", OCI_MANIFEST));
            expect(200, send("GET", v2("/manifests/" + manifestDigest), NO_BODY, "Authorization", bearer,
                    "Accept", OCI_MANIFEST));
            expect(200, send("GET", v2("/blobs/" + configDigest), NO_BODY, "Authorization", bearer));
            expect(200, send("GET", v2("/blobs/" + layerDigest), NO_BODY, "Authorization", bearer));
            expect(206, send("GET", v2("/blobs/" + layerDigest), NO_BODY, "Authorization", bearer,
                    "Range", "bytes=0-1023"));
            expect(404, send("GET", v2("/manifests/missing"), NO_BODY, "Authorization", bearer, "Accept", OCI_MANIFEST));
            expect(200, send("GET", v2("/tags/list"), NO_BODY, "Authorization", bearer));
        }

        /** The catalog, the management API and the readiness probe. */
        private void browse() throws IOException {
            expect(200, send("GET", "/v2/_catalog", NO_BODY, "Authorization", basic));
            expect(200, send("GET", "/api/v1/projects", NO_BODY, "Authorization", basic));
            expect(200, send("GET", "/api/v1/projects/training/repositories", NO_BODY, "Authorization", basic));
            expect(200, send("GET", "/api/v1/systeminfo", NO_BODY, "Authorization", basic));
            expect(200, send("GET", actuator + "/actuator/health/readiness", NO_BODY));
            expect(401, send("GET", "/v2/", NO_BODY));
        }

        /** A Bearer token from the realm of the /v2/ challenge, with the client's Basic credentials. */
        private String token(String scope) throws IOException {
            String challenge = expect(401, send("GET", "/v2/", NO_BODY)).header("WWW-Authenticate");
            String url = param(challenge, "realm") + "?service=" + URLEncoder.encode(param(challenge, "service"),
                    StandardCharsets.UTF_8) + "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8);
            return param(expect(200, send("GET", url, NO_BODY, "Authorization", basic)).body(), "token");
        }

        private String v2(String path) {
            return "/v2/" + REPOSITORY + path;
        }

        private Response send(String method, String pathOrUrl, byte[] body, String... headers) throws IOException {
            return http.send(method, URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl), body,
                    headers);
        }

        private static Response expect(int status, Response response) {
            if (response.status() != status) {
                throw new IllegalStateException(response.method() + " " + response.uri() + ": " + response.status()
                        + " instead of " + status + ": " + response.body());
            }
            return response;
        }

        /** A quoted value from a challenge ({@code realm="…"}) or a JSON body ({@code "token":"…"}). */
        private static String param(String text, String name) {
            Matcher m = Pattern.compile("\"?" + name + "\"?\\s*[=:]\\s*\"([^\"]*)\"").matcher(text);
            if (!m.find()) {
                throw new IllegalStateException("no " + name + " in " + text);
            }
            return m.group(1);
        }

        private static String digest(byte[] content) {
            try {
                return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** An answer: its status, its headers (names in lower case), its body as text, and the request it answers. */
    record Response(String method, URI uri, int status, Map<String, String> headers, String body) {

        String header(String name) {
            String value = headers.get(name.toLowerCase(Locale.ROOT));
            if (value == null) {
                throw new IllegalStateException(method + " " + uri + ": no " + name + " header in the answer");
            }
            return value;
        }
    }

    /**
     * HTTP/1.1 over plain sockets, one kept-alive connection per host and port, the way registry clients talk. Not the
     * JDK's {@code java.net.http.HttpClient}: the cache keeps every class the training run loads and preloads all of
     * them at every start, and that client brings about 650 (its own and TLS's, which it sets up even for
     * {@code http}) that a replica does not use (docs/benchmarks.md, "The training's HTTP client").
     */
    static final class Http implements AutoCloseable {
        private final Map<String, Connection> connections = new HashMap<>();

        Response send(String method, URI uri, byte[] body, String... headers) throws IOException {
            String authority = uri.getHost() + ":" + uri.getPort();
            Connection kept = connections.remove(authority);
            if (kept != null) {
                try {
                    return exchange(authority, kept, method, uri, body, headers);
                } catch (IOException e) {
                    // the server closed the kept-alive connection meanwhile (as a client would, ask again on a new one)
                }
            }
            return exchange(authority, new Connection(uri.getHost(), uri.getPort()), method, uri, body, headers);
        }

        private Response exchange(String authority, Connection connection, String method, URI uri, byte[] body,
                String... headers) throws IOException {
            boolean kept = false;
            try {
                Response response = connection.exchange(method, uri, body, headers);
                if (connection.reusable) {
                    connections.put(authority, connection);
                    kept = true;
                }
                return response;
            } finally {
                if (!kept) {
                    connection.close();
                }
            }
        }

        @Override
        public void close() throws IOException {
            for (Connection connection : connections.values()) {
                connection.close();
            }
            connections.clear();
        }

        private static final class Connection implements AutoCloseable {
            private final Socket socket = new Socket();
            private final InputStream in;
            private final OutputStream out;
            private final String host;
            private boolean reusable;

            Connection(String host, int port) throws IOException {
                socket.connect(new InetSocketAddress(host, port), 10_000);
                socket.setSoTimeout(60_000);
                socket.setTcpNoDelay(true);
                this.in = new BufferedInputStream(socket.getInputStream());
                this.out = socket.getOutputStream();
                this.host = host + ":" + port;
            }

            Response exchange(String method, URI uri, byte[] body, String... headers) throws IOException {
                reusable = false;
                StringBuilder request = new StringBuilder(method).append(' ').append(uri.getRawPath())
                        .append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()).append(" HTTP/1.1\r\n")
                        .append("Host: ").append(host).append("\r\n");
                for (int i = 0; i < headers.length; i += 2) {
                    request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
                }
                if (body.length > 0 || !method.equals("GET") && !method.equals("HEAD")) {
                    request.append("Content-Length: ").append(body.length).append("\r\n");
                }
                out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();

                String statusLine = line();
                String[] parts = statusLine.split(" ", 3);
                if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                    throw new IOException(method + " " + uri + ": not an HTTP/1.1 answer: " + statusLine);
                }
                int status = Integer.parseInt(parts[1]);
                Map<String, String> answerHeaders = new HashMap<>();
                for (String header = line(); !header.isEmpty(); header = line()) {
                    int colon = header.indexOf(':');
                    answerHeaders.merge(header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            header.substring(colon + 1).trim(), (a, b) -> a + ", " + b);
                }
                byte[] content;
                if (method.equals("HEAD") || status == 204 || status == 304 || status < 200) {
                    content = new byte[0];
                } else if ("chunked".equalsIgnoreCase(answerHeaders.get("transfer-encoding"))) {
                    content = chunked();
                } else if (answerHeaders.containsKey("content-length")) {
                    content = in.readNBytes(Integer.parseInt(answerHeaders.get("content-length")));
                } else {
                    content = in.readAllBytes();
                    answerHeaders.put("connection", "close");
                }
                reusable = !"close".equalsIgnoreCase(answerHeaders.get("connection"));
                return new Response(method, uri, status, answerHeaders, new String(content, StandardCharsets.UTF_8));
            }

            private byte[] chunked() throws IOException {
                ByteArrayOutputStream content = new ByteArrayOutputStream();
                for (int size = chunkSize(); size > 0; size = chunkSize()) {
                    content.write(in.readNBytes(size));
                    line();
                }
                String trailer; // none expected; skipped up to the empty line that ends the answer
                do {
                    trailer = line();
                } while (!trailer.isEmpty());
                return content.toByteArray();
            }

            private int chunkSize() throws IOException {
                String size = line();
                int extension = size.indexOf(';');
                return Integer.parseInt((extension < 0 ? size : size.substring(0, extension)).trim(), 16);
            }

            /** One line of the answer's head, without its CRLF. */
            private String line() throws IOException {
                StringBuilder line = new StringBuilder();
                for (int b = in.read(); b != '\n'; b = in.read()) {
                    if (b < 0) {
                        throw new IOException("connection to " + host + " closed in the middle of an answer");
                    }
                    line.append((char) b);
                }
                int end = line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1 : line.length();
                return line.substring(0, end);
            }

            @Override
            public void close() throws IOException {
                socket.close();
            }
        }
    }
}
