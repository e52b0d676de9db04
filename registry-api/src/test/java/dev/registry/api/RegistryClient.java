package dev.registry.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

/**
 * A thin HTTP client for tests against a running registry: raw requests over real HTTP (not
 * MockMvc), so headers, status codes and streaming are exactly what a client sees.
 */
public final class RegistryClient {

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final String base;
    private final String authorization;

    /** A client that signs in as the test context's system admin with Basic credentials. */
    public RegistryClient(int port) {
        this(port, RegistryIntegrationTest.ADMIN, RegistryIntegrationTest.ADMIN_PASSWORD);
    }

    /** A client with Basic credentials; {@code username} null for anonymous requests. */
    public RegistryClient(int port, String username, String password) {
        this.base = "http://localhost:" + port;
        this.authorization = username == null ? null : basic(username, password);
    }

    /** A client with a fixed {@code Authorization} header value (e.g. {@code Bearer <token>}); null for none. */
    public static RegistryClient withAuthorization(int port, String authorization) {
        return new RegistryClient("http://localhost:" + port, authorization);
    }

    private RegistryClient(String base, String authorization) {
        this.base = base;
        this.authorization = authorization;
    }

    public static RegistryClient anonymous(int port) {
        return new RegistryClient(port, null, null);
    }

    public static String basic(String username, String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((username + ":" + password)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public String base() {
        return base;
    }

    public HttpResponse<String> send(String method, String path, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null && !headers.containsKey("Authorization")) {
            request.header("Authorization", authorization);
        }
        headers.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<byte[]> sendForBytes(String method, String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null && !headers.containsKey("Authorization")) {
            request.header("Authorization", authorization);
        }
        headers.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> send(String method, String path) {
        return send(method, path, null, Map.of());
    }

    /** Pushes a blob monolithically ({@code POST ?digest=}) and returns its digest. */
    public String pushBlob(String repository, byte[] content) {
        String digest = digest(content);
        HttpResponse<String> r = send("POST", "/v2/" + repository + "/blobs/uploads/?digest=" + digest, content,
                Map.of("Content-Type", "application/octet-stream"));
        if (r.statusCode() != 201) {
            throw new AssertionError("blob push failed: " + r.statusCode() + " " + r.body());
        }
        return digest;
    }

    /** Pushes a manifest and returns the response. */
    public HttpResponse<String> pushManifest(String repository, String reference, String mediaType, String manifest) {
        return send("PUT", "/v2/" + repository + "/manifests/" + reference, manifest.getBytes(),
                Map.of("Content-Type", mediaType));
    }

    public static String digest(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
