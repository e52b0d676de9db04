// A node storm (issue 15, target 3): CLIENTS concurrent clients, each pulling one image the way containerd does for a
// kubelet, over and over for DURATION seconds: manifest GET without credentials (401 and its challenge), then for a
// Bearer challenge a token from the realm with the client's Basic credentials (for a Basic challenge, Basic on every
// request), manifest GET, config GET and every layer GET (bodies read to the end). Each client has its own HTTP
// connection (kept alive, plain blocking HTTP/1.1: see Connection) and its own credentials: line (client mod lines) of CREDENTIALS_FILE.
// Prints one line: pulls, pulls/s, p50/p99/max of one whole pull in ms, failed pulls. 127.0.0.1 only.
//
//   java bench/NodeStorm.java BASE_URL REPOSITORY TAG CREDENTIALS_FILE CLIENTS DURATION_S
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class NodeStorm {

    static final String ACCEPT = "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";

    public static void main(String[] args) throws Exception {
        String base = args[0], repository = args[1], tag = args[2];
        List<String> credentials = Files.readAllLines(Path.of(args[3])).stream().filter(l -> !l.isBlank()).toList();
        int clients = Integer.parseInt(args[4]);
        long end = System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[5])).toNanos();
        if (!base.startsWith("http://127.0.0.1:")) {
            throw new IllegalArgumentException("127.0.0.1 only");
        }
        ConcurrentLinkedQueue<Long> times = new ConcurrentLinkedQueue<>();
        AtomicLong failed = new AtomicLong();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            String basic = "Basic " + Base64.getEncoder().encodeToString(credentials.get(c % credentials.size()).getBytes(StandardCharsets.UTF_8));
            threads.add(Thread.ofPlatform().start(() -> {
                Connection http = new Connection(base);
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    try {
                        pull(http, repository, tag, basic);
                        times.add(System.nanoTime() - t0);
                    } catch (Exception e) {
                        http.close();
                        failed.incrementAndGet();
                        if (errors.size() < 5) {
                            errors.add(e.toString());
                        }
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Long> sorted = new ArrayList<>(times);
        Collections.sort(sorted);
        int n = sorted.size();
        System.out.printf("pulls=%d pulls_per_s=%.1f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f failed=%d%n", n, n / seconds,
                ms(sorted, 0.50), ms(sorted, 0.99), n == 0 ? 0 : sorted.get(n - 1) / 1e6, failed.get());
        errors.forEach(e -> System.err.println("error: " + e));
    }

    static double ms(List<Long> sorted, double q) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * q))) / 1e6;
    }

    static void pull(Connection http, String repository, String tag, String basic) throws IOException {
        String manifestPath = "/v2/" + repository + "/manifests/" + tag;
        Response challenge = http.get(manifestPath, "Accept: " + ACCEPT);
        if (challenge.status() != 401) {
            throw new IllegalStateException("manifest without credentials: " + challenge.status());
        }
        String header = challenge.header("www-authenticate");
        String authorization;
        if (header.startsWith("Bearer ")) {
            String realm = param(header, "realm"), service = param(header, "service");
            if (!realm.startsWith(http.base)) {
                throw new IllegalStateException("token realm " + realm + " is not on " + http.base);
            }
            String path = realm.substring(http.base.length()) + "?service=" + URLEncoder.encode(service, StandardCharsets.UTF_8)
                    + "&scope=" + URLEncoder.encode("repository:" + repository + ":pull", StandardCharsets.UTF_8);
            Response token = http.get(path, "Authorization: " + basic);
            if (token.status() != 200) {
                throw new IllegalStateException("token: " + token.status());
            }
            authorization = "Bearer " + field(token.text(), "token");
        } else {
            authorization = basic;
        }
        Response manifest = http.get(manifestPath, "Accept: " + ACCEPT, "Authorization: " + authorization);
        if (manifest.status() != 200) {
            throw new IllegalStateException("manifest: " + manifest.status());
        }
        Matcher digests = DIGEST.matcher(manifest.text());
        while (digests.find()) { // the config, then every layer
            Response blob = http.get("/v2/" + repository + "/blobs/" + digests.group(1), "Authorization: " + authorization);
            if (blob.status() != 200) {
                throw new IllegalStateException("blob: " + blob.status());
            }
        }
    }

    static final Pattern DIGEST = Pattern.compile("\"digest\"\\s*:\\s*\"(sha256:[0-9a-f]{64})\"");

    /** A response: status, headers (names in lower case), and the body when it is small (a blob's is only counted). */
    record Response(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            String value = headers.get(name);
            if (value == null) {
                throw new IllegalStateException("no " + name + " header in a " + status + " response");
            }
            return value;
        }

        String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * One client's kept-alive HTTP/1.1 connection, as a container runtime holds one per registry: GETs in sequence,
     * Content-Length and chunked bodies read to the end into one reused 256 KiB buffer (bodies over 64 KiB are counted,
     * not kept), a new connection when the server closes one. Plain blocking socket I/O, so the load generator spends
     * its CPU on the bytes rather than on an HTTP library's machinery: with java.net.http it took twice the servers' CPU
     * on 2 cores and the storm measured the client more than the registry.
     */
    static final class Connection implements AutoCloseable {
        private static final int KEEP = 64 * 1024;
        final String base;
        private final String host;
        private final int port;
        private final byte[] buffer = new byte[256 * 1024];
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        Connection(String base) {
            this.base = base;
            URI uri = URI.create(base);
            this.host = uri.getHost();
            this.port = uri.getPort();
        }

        Response get(String path, String... headers) throws IOException {
            boolean fresh = socket == null;
            if (fresh) {
                open();
            }
            try {
                return exchange(path, headers);
            } catch (IOException | IllegalStateException e) {
                close();
                if (fresh) {
                    throw e;
                }
                open(); // the server closed a kept-alive connection between two requests: once more on a new one
                return exchange(path, headers);
            }
        }

        private void open() throws IOException {
            socket = new Socket(host, port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(60_000);
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = new BufferedOutputStream(socket.getOutputStream(), 4 * 1024);
        }

        private Response exchange(String path, String... headers) throws IOException {
            StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: ")
                    .append(host).append(':').append(port).append("\r\nUser-Agent: NodeStorm\r\n");
            for (String h : headers) {
                request.append(h).append("\r\n");
            }
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String statusLine = line();
            if (statusLine == null) {
                throw new IOException("connection closed before a response");
            }
            int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
            Map<String, String> fields = new HashMap<>();
            for (String l = line(); l != null && !l.isEmpty(); l = line()) {
                int colon = l.indexOf(':');
                fields.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
            }
            ByteArrayOutputStream kept = new ByteArrayOutputStream();
            if ("chunked".equalsIgnoreCase(fields.get("transfer-encoding"))) {
                for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0;
                     size = Long.parseLong(line().split(";")[0].trim(), 16)) {
                    body(size, kept);
                    line();
                }
                for (String l = line(); l != null && !l.isEmpty(); l = line()) { // trailers
                }
            } else if (fields.containsKey("content-length")) {
                body(Long.parseLong(fields.get("content-length")), kept);
            } else if (status >= 200 && status != 204 && status != 304) {
                throw new IOException("a " + status + " response without a length");
            }
            if ("close".equalsIgnoreCase(fields.get("connection"))) {
                close();
            }
            return new Response(status, fields, kept.toByteArray());
        }

        private void body(long size, ByteArrayOutputStream kept) throws IOException {
            for (long left = size; left > 0; ) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException("connection closed " + left + " bytes before the end of a body");
                }
                if (kept.size() + n <= KEEP) {
                    kept.write(buffer, 0, n);
                }
                left -= n;
            }
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    return line.isEmpty() ? null : line.toString();
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        @Override
        public void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
            socket = null;
        }
    }

    static String param(String header, String name) {
        Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(header);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + header);
        }
        return m.group(1);
    }

    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in the token response");
        }
        return m.group(1);
    }
}
