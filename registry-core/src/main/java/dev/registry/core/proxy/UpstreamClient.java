package dev.registry.core.proxy;

import dev.registry.core.artifact.MediaTypes;
import dev.registry.storage.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.springframework.stereotype.Component;
import org.springframework.util.function.SingletonSupplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Talks to upstream registries as a Docker client does (distribution spec, and the Docker token authentication spec):
 * a request answered 401 with a {@code Bearer} challenge fetches a token from its realm, with the endpoint's
 * credentials as Basic authentication when it has some, for the challenged scope, and asks again; a {@code Basic}
 * challenge gets the credentials themselves. Tokens are kept per endpoint and scope until they expire. Redirects (blob
 * downloads from a CDN or a presigned S3 URL) are followed without the registry's authorization.
 */
@Component
public class UpstreamClient {

    /** The manifest types asked for: every one the registry stores. */
    static final String ACCEPT = String.join(", ", MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST_LIST,
            MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST);
    private static final int MAX_MANIFEST = 4 * 1024 * 1024;
    private static final int MAX_REDIRECTS = 5;
    private static final Pattern PARAM = Pattern.compile("([a-zA-Z_]+)=\"([^\"]*)\"");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * An upstream as the client uses it: where, with which credentials, verifying TLS or not.
     *
     * @param unusable why its credentials cannot be used (they do not decrypt with the configured keys), or null; such an
     *                 upstream is not asked at all, so what is cached is still served and the rest gets this reason
     */
    public record Upstream(long endpointId, String name, URI url, boolean verifyTls, EndpointService.Credentials credentials,
                           String unusable) {
    }

    /** A manifest as the upstream sent it, its digest computed over its bytes. */
    public record Manifest(Digest digest, String mediaType, byte[] content) {
    }

    /** A blob's bytes as they arrive, and their length when the upstream said it (-1 otherwise). */
    public record Blob(InputStream body, long length) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    /** What the endpoint test found. */
    public record Check(boolean reachable, boolean credentialsAccepted, String message) {
    }

    private record Token(String value, Instant expiresAt) {
    }

    // made on a proxy project's first upstream call, not at start-up (two selector threads and the TLS set-up: 70 ms of
    // the registry's start on 2 cores, for a feature most registries do not use)
    private final SingletonSupplier<HttpClient> verifying;
    private final SingletonSupplier<HttpClient> trusting;
    private final Duration requestTimeout;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    public UpstreamClient(ProxyPolicy policy) {
        this.requestTimeout = policy.requestTimeout();
        this.verifying = SingletonSupplier.of(() -> HttpClient.newBuilder().connectTimeout(policy.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build());
        this.trusting = SingletonSupplier.of(() -> HttpClient.newBuilder().connectTimeout(policy.connectTimeout())
                .sslContext(trustingContext()).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build());
    }

    /** {@code GET /v2/} with the credentials: whether the registry answers and accepts them. */
    public Check check(Upstream upstream) {
        try {
            HttpResponse<InputStream> response = send(upstream, "GET", "/v2/", null, null);
            try (InputStream body = response.body()) {
                body.readNBytes(64 * 1024);
            } catch (IOException e) {
                return new Check(true, false, "the registry's answer to GET /v2/ broke off: " + e.getMessage());
            }
            int status = response.statusCode();
            if (status == 200) {
                return new Check(true, true, upstream.credentials().isEmpty()
                        ? "the registry answers; no credentials are set" : "the registry answers and accepts the credentials");
            }
            if (status == 401 || status == 403) {
                return new Check(true, false, "the registry answers but refuses " + (upstream.credentials().isEmpty()
                        ? "anonymous access to its API root (that may be fine: many registries allow anonymous pulls only with a token per repository)"
                        : "the credentials") + " (HTTP " + status + ")");
            }
            return new Check(true, false, "the registry answered GET /v2/ with HTTP " + status + "; is it a registry?");
        } catch (UpstreamException e) {
            boolean reachable = e.kind() != UpstreamException.Kind.UNAVAILABLE;
            return new Check(reachable, false, e.getMessage());
        }
    }

    /** The manifest, or {@link UpstreamException} ({@code NOT_FOUND} when the upstream does not have it). */
    public Manifest manifest(Upstream upstream, String repository, String reference) throws UpstreamException {
        HttpResponse<InputStream> response = send(upstream, "GET", "/v2/" + repository + "/manifests/" + reference,
                repositoryScope(repository), ACCEPT);
        String what = "manifest " + repository + ":" + reference;
        byte[] content;
        try (InputStream body = response.body()) {
            requireOk(upstream, response, what);
            content = body.readNBytes(MAX_MANIFEST + 1);
        } catch (IOException e) {
            throw unavailable(upstream, "reading " + what, e);
        }
        if (content.length > MAX_MANIFEST) {
            throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "upstream " + upstream.name() + " sent a " + what
                    + " larger than " + MAX_MANIFEST + " bytes");
        }
        String mediaType = response.headers().firstValue("Content-Type").map(UpstreamClient::withoutParameters).orElse(null);
        Digest digest = Digest.of("sha256", content);
        if (reference.contains(":")) {
            Digest asked = Digest.parse(reference);
            Digest actual = asked.algorithm().equals("sha256") ? digest : Digest.of(asked.algorithm(), content);
            if (!actual.equals(asked)) {
                throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "upstream " + upstream.name() + " sent a "
                        + what + " whose content hashes to " + actual);
            }
            digest = actual;
        }
        return new Manifest(digest, mediaType, content);
    }

    /** The digest the upstream gives for a tag ({@code HEAD}), or {@link UpstreamException}. */
    public Optional<Digest> manifestDigest(Upstream upstream, String repository, String tag) throws UpstreamException {
        HttpResponse<InputStream> response = send(upstream, "HEAD", "/v2/" + repository + "/manifests/" + tag,
                repositoryScope(repository), ACCEPT);
        try (InputStream body = response.body()) {
            requireOk(upstream, response, "manifest " + repository + ":" + tag);
        } catch (IOException e) {
            throw unavailable(upstream, "asking for manifest " + repository + ":" + tag, e);
        }
        try {
            return response.headers().firstValue("Docker-Content-Digest").map(Digest::parse);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The digests of the manifests the upstream's referrers API lists for {@code subject} (distribution spec, "Listing
     * referrers"); empty when it has none or no referrers API (404, or an answer that is not an image index).
     */
    public List<Digest> referrers(Upstream upstream, String repository, Digest subject) throws UpstreamException {
        HttpResponse<InputStream> response = send(upstream, "GET", "/v2/" + repository + "/referrers/" + subject,
                repositoryScope(repository), MediaTypes.OCI_INDEX);
        byte[] content;
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                return List.of();
            }
            content = body.readNBytes(MAX_MANIFEST + 1);
        } catch (IOException e) {
            throw unavailable(upstream, "listing the referrers of " + subject, e);
        }
        if (content.length > MAX_MANIFEST) {
            return List.of();
        }
        try {
            List<Digest> digests = new java.util.ArrayList<>();
            JSON.readTree(content).path("manifests").forEach(m -> digests.add(Digest.parse(m.path("digest").asString())));
            return digests;
        } catch (RuntimeException notAnIndex) {
            return List.of();
        }
    }

    /** Returns when the upstream has the blob in the repository ({@code HEAD}); {@link UpstreamException} otherwise. */
    public void blobExists(Upstream upstream, String repository, Digest digest) throws UpstreamException {
        HttpResponse<InputStream> response = send(upstream, "HEAD", "/v2/" + repository + "/blobs/" + digest,
                repositoryScope(repository), null);
        closeQuietly(response.body());
        requireOk(upstream, response, "blob " + digest + " of " + repository);
    }

    /** The blob's bytes as a stream (close it), or {@link UpstreamException}. */
    public Blob blob(Upstream upstream, String repository, Digest digest) throws UpstreamException {
        HttpResponse<InputStream> response = send(upstream, "GET", "/v2/" + repository + "/blobs/" + digest,
                repositoryScope(repository), null);
        try {
            requireOk(upstream, response, "blob " + digest + " of " + repository);
        } catch (UpstreamException e) {
            closeQuietly(response.body());
            throw e;
        }
        return new Blob(response.body(), response.headers().firstValueAsLong("Content-Length").orElse(-1));
    }

    private static String repositoryScope(String repository) {
        return "repository:" + repository + ":pull";
    }

    private static void requireOk(Upstream upstream, HttpResponse<InputStream> response, String what) throws UpstreamException {
        int status = response.statusCode();
        if (status == 200) {
            return;
        }
        closeQuietly(response.body());
        String at = "upstream " + upstream.name() + " (" + upstream.url() + ")";
        throw switch (status) {
            case 404 -> new UpstreamException(UpstreamException.Kind.NOT_FOUND, what + " is not in " + at);
            case 401, 403 -> new UpstreamException(UpstreamException.Kind.DENIED, at + " refused access to " + what
                    + " (HTTP " + status + (upstream.credentials().isEmpty() ? "; the endpoint has no credentials)" : "; check the endpoint's credentials)"));
            case 429 -> new UpstreamException(UpstreamException.Kind.RATE_LIMITED, at + " limits the rate of pulls (HTTP 429"
                    + response.headers().firstValue("Retry-After").map(after -> ", retry after " + after).orElse("") + ")");
            default -> new UpstreamException(UpstreamException.Kind.UNAVAILABLE, at + " answered HTTP " + status + " for " + what);
        };
    }

    /**
     * Sends the request with what authorization the upstream asks for, following redirects (without authorization
     * once the host changes). The body of a non-2xx answer is left to the caller.
     */
    private HttpResponse<InputStream> send(Upstream upstream, String method, String path, String scope, String accept)
            throws UpstreamException {
        if (upstream.unusable() != null) {
            throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "endpoint " + upstream.name() + " is not asked: "
                    + upstream.unusable());
        }
        URI uri = upstream.url().resolve(path);
        String key = upstream.endpointId() + " " + scope;
        Token token = tokens.get(key);
        String authorization = token != null && token.expiresAt().isAfter(Instant.now()) ? "Bearer " + token.value() : null;
        HttpResponse<InputStream> response = exchange(upstream, method, uri, authorization, accept);
        if (response.statusCode() == 401) {
            String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
            closeQuietly(response.body());
            authorization = authorize(upstream, challenge, scope, key);
            if (authorization == null) {
                return response;
            }
            response = exchange(upstream, method, uri, authorization, accept);
        }
        for (int hop = 0; hop < MAX_REDIRECTS && isRedirect(response.statusCode()); hop++) {
            Optional<String> location = response.headers().firstValue("Location");
            closeQuietly(response.body());
            if (location.isEmpty()) {
                throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "upstream " + upstream.name()
                        + " redirected " + path + " without a Location");
            }
            URI next = uri.resolve(location.get());
            if (!sameOrigin(next, upstream.url())) {
                authorization = null; // a CDN or a presigned URL: the registry's token is not for it
            }
            uri = next;
            response = exchange(upstream, method, uri, authorization, accept);
        }
        return response;
    }

    private HttpResponse<InputStream> exchange(Upstream upstream, String method, URI uri, String authorization, String accept)
            throws UpstreamException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .method(method, HttpRequest.BodyPublishers.noBody()).header("User-Agent", "registry-proxy-cache");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (accept != null) {
            request.header("Accept", accept);
        }
        try {
            return (upstream.verifyTls() ? verifying : trusting).obtain().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unavailable(upstream, method + " " + uri.getRawPath(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "interrupted while asking upstream " + upstream.name());
        }
    }

    /** The Authorization for a 401's challenge, or null when there is nothing more to try (the 401 stands). */
    private String authorize(Upstream upstream, String challenge, String scope, String key) throws UpstreamException {
        String scheme = challenge.contains(" ") ? challenge.substring(0, challenge.indexOf(' ')).toLowerCase(Locale.ROOT)
                : challenge.toLowerCase(Locale.ROOT);
        EndpointService.Credentials credentials = upstream.credentials();
        if (scheme.equals("basic")) {
            return credentials.isEmpty() ? null : basic(credentials);
        }
        if (!scheme.equals("bearer")) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            return null;
        }
        StringBuilder query = new StringBuilder();
        if (params.containsKey("service")) {
            query.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8));
        }
        for (String s : scopes(params.get("scope"), scope)) {
            query.append(query.isEmpty() ? "" : "&").append("scope=").append(URLEncoder.encode(s, StandardCharsets.UTF_8));
        }
        URI tokenUri;
        try {
            tokenUri = URI.create(realm + (query.isEmpty() ? "" : (realm.contains("?") ? "&" : "?") + query));
        } catch (IllegalArgumentException e) {
            throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "upstream " + upstream.name()
                    + " named a token realm that is not a URL: " + realm);
        }
        HttpResponse<InputStream> response = exchange(upstream, "GET", tokenUri, credentials.isEmpty() ? null : basic(credentials),
                "application/json");
        JsonNode body;
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes(1024 * 1024);
            if (response.statusCode() == 401 || response.statusCode() == 403) {
                throw new UpstreamException(UpstreamException.Kind.DENIED, "the token service of upstream " + upstream.name()
                        + " refused " + (credentials.isEmpty() ? "anonymous access" : "the endpoint's credentials")
                        + " (HTTP " + response.statusCode() + ")");
            }
            if (response.statusCode() != 200) {
                throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "the token service of upstream "
                        + upstream.name() + " answered HTTP " + response.statusCode());
            }
            body = JSON.readTree(bytes);
        } catch (IOException | RuntimeException e) {
            if (e instanceof RuntimeException && !(e instanceof tools.jackson.core.JacksonException)) {
                throw (RuntimeException) e;
            }
            throw unavailable(upstream, "reading a token", e instanceof IOException io ? io : new IOException(e.getMessage()));
        }
        String value = body.path("token").asString(body.path("access_token").asString(""));
        if (value.isEmpty()) {
            throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "the token service of upstream " + upstream.name()
                    + " answered without a token");
        }
        long lifetime = Math.max(60, body.path("expires_in").asLong(60));
        // kept until shortly before it expires, so a request never starts with a token about to end
        tokens.put(key, new Token(value, Instant.now().plusSeconds(lifetime - Math.min(30, lifetime / 4))));
        return "Bearer " + value;
    }

    /** The challenge's scope(s) and ours, once each. */
    private static List<String> scopes(String challenged, String ours) {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>();
        if (challenged != null && !challenged.isBlank()) {
            all.addAll(List.of(challenged.trim().split("\\s+")));
        }
        if (ours != null) {
            all.add(ours);
        }
        return List.copyOf(all);
    }

    private static String basic(EndpointService.Credentials credentials) {
        String user = credentials.username() == null ? "" : credentials.username();
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + credentials.secret()).getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    private static String withoutParameters(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private static UpstreamException unavailable(Upstream upstream, String doing, IOException e) {
        String reason = e instanceof java.net.http.HttpConnectTimeoutException ? "connecting timed out"
                : e instanceof java.net.http.HttpTimeoutException ? "it did not answer in time"
                : e instanceof java.net.ConnectException ? "the connection was refused"
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "upstream " + upstream.name() + " (" + upstream.url()
                + ") could not be reached for " + doing + ": " + reason);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the exchange is over either way
        }
    }

    /** Accepts any certificate for any host name: for endpoints with TLS verification off, and only for them. */
    private static SSLContext trustingContext() {
        X509ExtendedTrustManager trustAll = new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new javax.net.ssl.TrustManager[] {trustAll}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
