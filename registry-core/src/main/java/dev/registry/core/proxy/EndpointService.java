package dev.registry.core.proxy;

import dev.registry.core.Actor;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.project.ProjectService;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Registry endpoints (the upstreams of proxy projects): their settings, and their credentials encrypted at rest
 * ({@link ProxySecrets}). Callers decide who may call (system admins only, in the API). Every change publishes
 * {@link EndpointChanged} inside its transaction. On start, credentials encrypted with a previous key are encrypted
 * again with the current one.
 */
@Service
public class EndpointService implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(EndpointService.class);
    private static final int MAX_SECRET = 4096;

    /**
     * What an endpoint is made of, or what changes: a null field stays as it is (on creation: no username, no secret,
     * TLS verified). An empty {@code username} or {@code secret} removes it.
     */
    public record Spec(String name, String url, String username, String secret, Boolean verifyTls) {
    }

    /** An endpoint with its credentials decrypted, for the proxy cache's requests only. */
    public record Credentials(String username, String secret) {
        public boolean isEmpty() {
            return secret == null;
        }

        @Override
        public String toString() {
            return "Credentials[username=" + username + ", secret=" + (secret == null ? "none" : "***") + "]";
        }
    }

    private final JdbcClient jdbc;
    private final ProxySecrets secrets;
    private final ApplicationEventPublisher events;

    public EndpointService(JdbcClient jdbc, ProxySecrets secrets, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.secrets = secrets;
        this.events = events;
    }

    @Transactional
    public Endpoint create(Spec spec, String createdBy) {
        ProjectService.checkName(spec.name());
        URI url = checkUrl(spec.url());
        String username = checkUsername(spec.username());
        String secret = checkSecret(spec.secret());
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        try {
            jdbc.sql("INSERT INTO registry_endpoint (name, url, username, secret, verify_tls, created_by, created_at, updated_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                    .params(spec.name(), url.toString(), username, secret == null ? null : secrets.encrypt(secret),
                            spec.verifyTls() == null || spec.verifyTls(), createdBy, now, now)
                    .update();
        } catch (DuplicateKeyException e) {
            throw new RegistryException(ErrorCode.CONFLICT, "endpoint " + spec.name() + " already exists", Map.of("field", "name"));
        }
        events.publishEvent(new EndpointChanged(Actor.current(), spec.name(), EndpointChanged.Change.CREATED, url.toString()));
        return require(spec.name());
    }

    @Transactional(readOnly = true)
    public List<Endpoint> list() {
        return jdbc.sql(SELECT + " ORDER BY name").query(EndpointService::endpoint).list();
    }

    @Transactional(readOnly = true)
    public Optional<Endpoint> find(String name) {
        return jdbc.sql(SELECT + " WHERE name = ?").param(name).query(EndpointService::endpoint).optional();
    }

    @Transactional(readOnly = true)
    public Optional<Endpoint> find(long id) {
        return jdbc.sql(SELECT + " WHERE id = ?").param(id).query(EndpointService::endpoint).optional();
    }

    /** The endpoint, or {@code NAME_UNKNOWN}. */
    @Transactional(readOnly = true)
    public Endpoint require(String name) {
        return find(name).orElseThrow(() -> new RegistryException(ErrorCode.NAME_UNKNOWN, "endpoint " + name + " does not exist"));
    }

    /** Changes what {@code changes} gives (its name is ignored); {@code NAME_UNKNOWN} when there is no such endpoint. */
    @Transactional
    public Endpoint update(String name, Spec changes) {
        Endpoint endpoint = jdbc.sql(SELECT + " WHERE name = ? FOR UPDATE").param(name).query(EndpointService::endpoint)
                .optional().orElseThrow(() -> new RegistryException(ErrorCode.NAME_UNKNOWN, "endpoint " + name + " does not exist"));
        List<String> changed = new ArrayList<>();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        if (changes.url() != null) {
            URI url = checkUrl(changes.url());
            jdbc.sql("UPDATE registry_endpoint SET url = ? WHERE id = ?").params(url.toString(), endpoint.id()).update();
            changed.add("url=" + url);
        }
        if (changes.username() != null) {
            jdbc.sql("UPDATE registry_endpoint SET username = ? WHERE id = ?")
                    .params(checkUsername(changes.username()), endpoint.id()).update();
            changed.add(changes.username().isEmpty() ? "username removed" : "username=" + changes.username());
        }
        if (changes.secret() != null) {
            String secret = checkSecret(changes.secret());
            jdbc.sql("UPDATE registry_endpoint SET secret = ? WHERE id = ?")
                    .params(secret == null ? null : secrets.encrypt(secret), endpoint.id()).update();
            changed.add(secret == null ? "secret removed" : "new secret");
        }
        if (changes.verifyTls() != null) {
            jdbc.sql("UPDATE registry_endpoint SET verify_tls = ? WHERE id = ?").params(changes.verifyTls(), endpoint.id()).update();
            changed.add("verifyTls=" + changes.verifyTls());
        }
        if (!changed.isEmpty()) {
            jdbc.sql("UPDATE registry_endpoint SET updated_at = ? WHERE id = ?").params(now, endpoint.id()).update();
            events.publishEvent(new EndpointChanged(Actor.current(), name, EndpointChanged.Change.UPDATED, String.join(", ", changed)));
        }
        return require(name);
    }

    /** Deletes an endpoint no proxy project uses; {@code CONFLICT} naming the projects that do. */
    @Transactional
    public void delete(String name) {
        Endpoint endpoint = jdbc.sql(SELECT + " WHERE name = ? FOR UPDATE").param(name).query(EndpointService::endpoint)
                .optional().orElseThrow(() -> new RegistryException(ErrorCode.NAME_UNKNOWN, "endpoint " + name + " does not exist"));
        List<String> users = jdbc.sql("SELECT DISTINCT p.name FROM project_upstream u JOIN project p ON p.id = u.project_id"
                + " WHERE u.endpoint_id = ? ORDER BY p.name").param(endpoint.id()).query(String.class).list();
        if (!users.isEmpty()) {
            throw new RegistryException(ErrorCode.CONFLICT, "endpoint " + name + " is an upstream of the proxy project(s) "
                    + String.join(", ", users) + "; change or delete them first", Map.of("projects", users));
        }
        jdbc.sql("DELETE FROM registry_endpoint WHERE id = ?").param(endpoint.id()).update();
        events.publishEvent(new EndpointChanged(Actor.current(), name, EndpointChanged.Change.DELETED, null));
    }

    /** The endpoint's decrypted credentials; never leave the proxy cache with them. */
    @Transactional(readOnly = true)
    public Credentials credentials(long endpointId) {
        return jdbc.sql("SELECT username, secret FROM registry_endpoint WHERE id = ?").param(endpointId)
                .query((rs, n) -> new Credentials(rs.getString(1), rs.getString(2) == null ? null : secrets.decrypt(rs.getString(2))))
                .optional().orElse(new Credentials(null, null));
    }

    /**
     * The endpoint as the proxy cache's client uses it, its credentials decrypted; credentials that do not decrypt
     * (a key lost or rotated away) make it {@link UpstreamClient.Upstream#unusable() unusable} with the reason, rather
     * than failing the pull that asks (cached content is still served).
     */
    public UpstreamClient.Upstream upstream(Endpoint endpoint) {
        try {
            return new UpstreamClient.Upstream(endpoint.id(), endpoint.name(), endpoint.url(), endpoint.verifyTls(),
                    credentials(endpoint.id()), null);
        } catch (IllegalStateException e) {
            log.error("The credentials of registry endpoint {} cannot be used: {}", endpoint.name(), e.getMessage());
            return new UpstreamClient.Upstream(endpoint.id(), endpoint.name(), endpoint.url(), endpoint.verifyTls(),
                    new Credentials(endpoint.username(), null), e.getMessage() + "; set its secret again");
        }
    }

    /** Encrypts again, with the current key, every secret a previous key encrypted (key rotation). */
    @Override
    @Transactional
    public void run(ApplicationArguments args) {
        record Sealed(long id, String name, String secret) {
        }
        List<Sealed> sealed = jdbc.sql("SELECT id, name, secret FROM registry_endpoint WHERE secret IS NOT NULL")
                .query((rs, n) -> new Sealed(rs.getLong(1), rs.getString(2), rs.getString(3))).list();
        if (sealed.isEmpty()) {
            return; // no credential stored: the key is not even read
        }
        List<Sealed> stale = sealed.stream().filter(s -> !secrets.isCurrent(s.secret())).toList();
        for (Sealed s : stale) {
            try {
                String reencrypted = secrets.encrypt(secrets.decrypt(s.secret()));
                jdbc.sql("UPDATE registry_endpoint SET secret = ? WHERE id = ? AND secret = ?")
                        .params(reencrypted, s.id(), s.secret()).update();
            } catch (IllegalStateException e) {
                log.error("The credentials of registry endpoint {} cannot be decrypted: {}. Set its secret again, or add the"
                        + " key they were encrypted with to registry.proxy.previous-secret-keys.", s.name(), e.getMessage());
            }
        }
        if (!stale.isEmpty()) {
            log.info("Encrypted the credentials of {} registry endpoint(s) again with the current key", stale.size());
        }
    }

    private static final String SELECT = "SELECT id, name, url, username, secret IS NOT NULL, verify_tls, created_by,"
            + " created_at, updated_at FROM registry_endpoint";

    private static Endpoint endpoint(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Endpoint(rs.getLong(1), rs.getString(2), URI.create(rs.getString(3)), rs.getString(4), rs.getBoolean(5),
                rs.getBoolean(6), rs.getString(7), rs.getObject(8, OffsetDateTime.class).toInstant(),
                rs.getObject(9, OffsetDateTime.class).toInstant());
    }

    /** {@code http(s)://host[:port]} with nothing else (a trailing slash is dropped). */
    static URI checkUrl(String url) {
        if (url == null || url.isBlank()) {
            throw invalid("url", "an endpoint needs a url, such as https://registry-1.docker.io");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw invalid("url", "url " + url + " is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw invalid("url", "url " + url + " must be http:// or https:// and a host name");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
            throw invalid("url", "url " + url + " must be the registry's base URL (scheme, host and port; its API is under /v2/);"
                    + " credentials go in username and secret");
        }
        return URI.create(scheme + "://" + uri.getRawAuthority().toLowerCase(Locale.ROOT));
    }

    private static String checkUsername(String username) {
        if (username == null || username.isEmpty()) {
            return null;
        }
        if (username.length() > 255 || username.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw invalid("username", "a username has 1 to 255 printable characters");
        }
        return username;
    }

    private static String checkSecret(String secret) {
        if (secret == null || secret.isEmpty()) {
            return null;
        }
        if (secret.length() > MAX_SECRET || secret.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw invalid("secret", "a secret (password or token) has 1 to " + MAX_SECRET + " printable characters");
        }
        return secret;
    }

    private static RegistryException invalid(String field, String message) {
        return new RegistryException(ErrorCode.INVALID_INPUT, message, Map.of("field", field));
    }
}
