// A node storm (issue 15, target 3): CLIENTS concurrent clients, each pulling one image the way containerd does for a
// kubelet, over and over for DURATION seconds: manifest GET without credentials (401 and its challenge), then for a
// Bearer challenge a token from the realm with the client's Basic credentials (for a Basic challenge, Basic on every
// request), manifest GET, config GET and every layer GET (bodies read to the end). Each client has its own HTTP
// connections (one HttpClient, keep-alive) and its own credentials: line (client mod lines) of CREDENTIALS_FILE.
// Prints one line: pulls, pulls/s, p50/p99/max of one whole pull in ms, failed pulls. 127.0.0.1 only.
//
//   java bench/NodeStorm.java BASE_URL REPOSITORY TAG CREDENTIALS_FILE CLIENTS DURATION_S
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
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
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    try {
                        pull(http, base, repository, tag, basic);
                        times.add(System.nanoTime() - t0);
                    } catch (Exception e) {
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

    static void pull(HttpClient http, String base, String repository, String tag, String basic) throws Exception {
        String manifestUrl = base + "/v2/" + repository + "/manifests/" + tag;
        HttpResponse<String> challenge = http.send(get(manifestUrl).header("Accept", ACCEPT).build(), HttpResponse.BodyHandlers.ofString());
        if (challenge.statusCode() != 401) {
            throw new IllegalStateException("manifest without credentials: " + challenge.statusCode());
        }
        String header = challenge.headers().firstValue("WWW-Authenticate").orElseThrow();
        String authorization;
        if (header.startsWith("Bearer ")) {
            String realm = param(header, "realm"), service = param(header, "service");
            String url = realm + "?service=" + URLEncoder.encode(service, StandardCharsets.UTF_8) + "&scope="
                    + URLEncoder.encode("repository:" + repository + ":pull", StandardCharsets.UTF_8);
            HttpResponse<String> token = http.send(get(url).header("Authorization", basic).build(), HttpResponse.BodyHandlers.ofString());
            if (token.statusCode() != 200) {
                throw new IllegalStateException("token: " + token.statusCode());
            }
            authorization = "Bearer " + field(token.body(), "token");
        } else {
            authorization = basic;
        }
        HttpResponse<String> manifest = http.send(get(manifestUrl).header("Accept", ACCEPT).header("Authorization", authorization).build(),
                HttpResponse.BodyHandlers.ofString());
        if (manifest.statusCode() != 200) {
            throw new IllegalStateException("manifest: " + manifest.statusCode());
        }
        Matcher digests = Pattern.compile("\"digest\"\\s*:\\s*\"(sha256:[0-9a-f]{64})\"").matcher(manifest.body());
        while (digests.find()) { // the config, then every layer
            HttpResponse<Void> blob = http.send(get(base + "/v2/" + repository + "/blobs/" + digests.group(1))
                    .header("Authorization", authorization).build(), HttpResponse.BodyHandlers.discarding());
            if (blob.statusCode() != 200) {
                throw new IllegalStateException("blob: " + blob.statusCode());
            }
        }
    }

    static HttpRequest.Builder get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET();
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
