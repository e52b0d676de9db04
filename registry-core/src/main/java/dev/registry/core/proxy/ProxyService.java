package dev.registry.core.proxy;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.artifact.ArtifactService;
import dev.registry.core.artifact.BlobService;
import dev.registry.core.artifact.ManifestContent;
import dev.registry.core.artifact.Reference;
import dev.registry.core.artifact.RepositoryName;
import dev.registry.core.quota.QuotaService;
import dev.registry.storage.BlobInfo;
import dev.registry.storage.BlobStore;
import dev.registry.storage.BlobUpload;
import dev.registry.storage.Digest;
import dev.registry.storage.DigestMismatchException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Proxy projects (pull-through cache): a pull of something a proxy project lacks fetches it from the project's
 * upstreams, in order, stores it and serves it; later pulls are served from the registry.
 *
 * <ul>
 * <li>A manifest by digest, and a blob, never change: once cached they are served without asking the upstream.</li>
 * <li>A tag is served as cached for {@code registry.proxy.tag-staleness} after it was fetched or last compared; then a
 *     pull compares it with the upstream's by a {@code HEAD} (which Docker Hub does not count as a pull) and fetches
 *     the manifest again only when the digest moved.</li>
 * <li>When no upstream can be asked (down, rate-limited, refusing), what is cached is served as if nothing were
 *     wrong; what is not gets {@code UNAVAILABLE}; what no upstream has gets {@code MANIFEST_UNKNOWN} / {@code BLOB_UNKNOWN}.</li>
 * <li>A blob is streamed to the client that asked for it while it is stored; the stream's last bytes are held back
 *     until the store verified the digest, so a client never receives all of a blob whose bytes do not match (the
 *     connection is cut instead), and nothing of it is stored. Concurrent requests for one uncached blob make one
 *     upstream request on this replica: the others wait for it and are served from the store.</li>
 * <li>Concurrent pulls of one manifest that must be asked for make one upstream request on this replica.</li>
 * </ul>
 */
@Service
public class ProxyService {

    private static final Logger log = LoggerFactory.getLogger(ProxyService.class);
    /** How long a project's proxy settings are reused before they are read again (they change rarely, by an admin). */
    private static final Duration SETTINGS_LIFETIME = Duration.ofSeconds(5);
    private static final Pattern HOST = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?");
    private static final int MAX_UPSTREAMS = 10;
    /** Watches blob fetches for an upstream that stopped sending (one daemon thread for all). */
    private static final java.util.concurrent.ScheduledExecutorService STALLS = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("proxy-stall-guard").factory());

    /** Where a blob fetched for a client goes: told its length (-1: unknown) before the first byte. */
    public interface BlobSink {
        OutputStream start(long length) throws IOException;
    }

    /** Whether the caller's client got the blob streamed ({@code STREAMED}) or must be served from the store. */
    public enum Fetched { STREAMED, STORED }

    private record Settings(Optional<ProxyProject> project, Instant readAt) {
    }

    private final JdbcClient jdbc;
    private final EndpointService endpoints;
    private final UpstreamClient client;
    private final ArtifactService artifacts;
    private final BlobService blobs;
    private final BlobStore store;
    private final ProxyPolicy policy;
    private final QuotaService quotas;
    private final Map<String, Settings> settings = new ConcurrentHashMap<>();
    /** The project serving mirror pulls of a registry host, by host (read as the settings are). */
    private final Map<String, Settings> mirrors = new ConcurrentHashMap<>();
    private final Map<Digest, CompletableFuture<Fetch>> fetching = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<ManifestContent>> askingUpstream = new ConcurrentHashMap<>();

    public ProxyService(JdbcClient jdbc, EndpointService endpoints, UpstreamClient client, ArtifactService artifacts,
                        BlobService blobs, BlobStore store, ProxyPolicy policy, QuotaService quotas) {
        this.jdbc = jdbc;
        this.quotas = quotas;
        this.endpoints = endpoints;
        this.client = client;
        this.artifacts = artifacts;
        this.blobs = blobs;
        this.store = store;
        this.policy = policy;
    }

    /**
     * Makes a new project a proxy project of the named endpoints (tried in this order), serving mirror pulls for
     * {@code mirrorOf} (null: its first upstream's host). In the caller's transaction, which created the project.
     */
    @Transactional
    public void bind(long projectId, List<String> endpointNames, String mirrorOf) {
        if (endpointNames == null || endpointNames.isEmpty() || endpointNames.size() > MAX_UPSTREAMS) {
            throw invalid("proxy.endpoints", "a proxy project needs 1 to " + MAX_UPSTREAMS + " endpoints, tried in order");
        }
        if (new LinkedHashSet<>(endpointNames).size() != endpointNames.size()) {
            throw invalid("proxy.endpoints", "an endpoint is listed twice");
        }
        List<Long> ids = new ArrayList<>();
        for (String name : endpointNames) {
            ids.add(endpoints.find(name == null ? "" : name).orElseThrow(() -> invalid("proxy.endpoints",
                    "there is no endpoint " + name + "; create it first (POST /api/v1/endpoints)")).id());
        }
        String host = normalizedHost(mirrorOf);
        // asked first (PostgreSQL aborts the transaction on a unique violation); one taking the host at the same
        // moment is refused by the unique index
        Optional<String> other = host == null ? Optional.empty()
                : jdbc.sql("SELECT name FROM project WHERE mirror_of = ?").param(host).query(String.class).optional();
        if (other.isPresent()) {
            throw hostTaken(other.get(), host);
        }
        try {
            jdbc.sql("UPDATE project SET proxy = TRUE, mirror_of = ? WHERE id = ?").params(host, projectId).update();
        } catch (DuplicateKeyException e) {
            throw hostTaken("another project", host);
        }
        for (int i = 0; i < ids.size(); i++) {
            jdbc.sql("INSERT INTO project_upstream (project_id, position, endpoint_id) VALUES (?, ?, ?)")
                    .params(projectId, i, ids.get(i)).update();
        }
        settings.clear();
        mirrors.clear();
    }

    private static RegistryException hostTaken(String project, String host) {
        return new RegistryException(ErrorCode.CONFLICT, "project " + project + " already serves mirror pulls of " + host,
                Map.of("field", "proxy.mirrorOf"));
    }

    /** A project deleted here is forgotten at once (other replicas read it again within seconds). */
    @org.springframework.context.event.EventListener
    void on(dev.registry.core.project.ProjectDeleted deleted) {
        settings.clear();
        mirrors.clear();
    }

    /** The project's proxy settings when it is a proxy project (read at most every few seconds). */
    public Optional<ProxyProject> proxyProject(String project) {
        Settings cached = settings.get(project);
        if (cached != null && cached.readAt().plus(SETTINGS_LIFETIME).isAfter(Instant.now())) {
            return cached.project();
        }
        Optional<ProxyProject> read = read(project);
        settings.put(project, new Settings(read, Instant.now()));
        return read;
    }

    /** Whether the project is a proxy project (as {@link #proxyProject}). */
    public boolean isProxy(String project) {
        return proxyProject(project).isPresent();
    }

    /**
     * The proxy project serving pulls through a mirror of {@code registryHost} (containerd's {@code ?ns=}): the one
     * whose {@code mirrorOf} says so, else the oldest whose first upstream is that host.
     */
    public Optional<String> projectMirroring(String registryHost) {
        String host = registryHost == null ? "" : registryHost.trim().toLowerCase(Locale.ROOT);
        if (host.isEmpty()) {
            return Optional.empty();
        }
        Settings cached = mirrors.get(host);
        if (cached != null && cached.readAt().plus(SETTINGS_LIFETIME).isAfter(Instant.now())) {
            return cached.project().map(ProxyProject::name);
        }
        Optional<ProxyProject> project = jdbc.sql("SELECT name FROM project WHERE proxy AND mirror_of = ?").param(host)
                .query(String.class).optional().flatMap(this::read);
        if (project.isEmpty()) {
            project = jdbc.sql("SELECT name FROM project WHERE proxy AND mirror_of IS NULL ORDER BY id").query(String.class)
                    .list().stream().map(this::read).flatMap(Optional::stream)
                    .filter(p -> host.equals(p.servesHost())).findFirst();
        }
        mirrors.put(host, new Settings(project, Instant.now()));
        return project.map(ProxyProject::name);
    }

    private Optional<ProxyProject> read(String project) {
        record Row(long projectId, String mirrorOf, long endpointId) {
        }
        List<Row> rows = jdbc.sql("SELECT p.id, p.mirror_of, u.endpoint_id FROM project p JOIN project_upstream u"
                        + " ON u.project_id = p.id WHERE p.name = ? AND p.proxy ORDER BY u.position").param(project)
                .query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getLong(3))).list();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        List<Endpoint> bound = new ArrayList<>();
        List<UpstreamClient.Upstream> upstreams = new ArrayList<>();
        for (Row row : rows) {
            endpoints.find(row.endpointId()).ifPresent(e -> {
                bound.add(e);
                upstreams.add(endpoints.upstream(e));
            });
        }
        return Optional.of(new ProxyProject(rows.getFirst().projectId(), project, List.copyOf(upstreams), List.copyOf(bound),
                rows.getFirst().mirrorOf()));
    }

    /** The repository's name at an upstream: without the project, and {@code library/} before a Docker Hub one-part name. */
    static String upstreamRepository(Endpoint endpoint, RepositoryName name) {
        String path = name.pathInProject();
        return endpoint.isDockerHub() && !path.contains("/") ? "library/" + path : path;
    }

    /** The manifest for a pull of a proxy project's repository: cached, revalidated, or fetched (see the class). */
    public ManifestContent manifest(ProxyProject project, RepositoryName name, Reference reference) {
        Optional<ManifestContent> local = artifacts.findManifest(name, reference);
        if (local.isPresent() && (!reference.isTag() || fresh(name, reference.tag()))) {
            return local.get();
        }
        // a node pool asking for one uncached tag at once makes one upstream request (Docker Hub counts each GET)
        String key = name + "@" + reference;
        CompletableFuture<ManifestContent> mine = new CompletableFuture<>();
        CompletableFuture<ManifestContent> running = askingUpstream.putIfAbsent(key, mine);
        if (running != null) {
            return await(running);
        }
        try {
            ManifestContent answer = fromUpstreams(project, name, reference, local);
            mine.complete(answer);
            return answer;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            askingUpstream.remove(key, mine);
        }
    }

    private ManifestContent fromUpstreams(ProxyProject project, RepositoryName name, Reference reference,
                                          Optional<ManifestContent> local) {
        List<UpstreamException> failures = new ArrayList<>();
        for (int i = 0; i < project.upstreams().size(); i++) {
            UpstreamClient.Upstream upstream = project.upstreams().get(i);
            String repository = upstreamRepository(project.endpoints().get(i), name);
            try {
                if (local.isPresent()) {
                    Optional<Digest> current = client.manifestDigest(upstream, repository, reference.tag());
                    if (current.isPresent() && current.get().equals(local.get().digest())) {
                        checked(name, reference.tag());
                        return local.get();
                    }
                }
                UpstreamClient.Manifest fetched = client.manifest(upstream, repository, reference.toString());
                ManifestContent stored = artifacts.cacheManifest(name, reference, fetched.content(), fetched.mediaType(),
                        upstream.name());
                if (reference.isTag()) {
                    checked(name, reference.tag());
                }
                cacheReferrersLater(upstream, repository, name, stored.digest());
                return stored;
            } catch (UpstreamException e) {
                failures.add(e);
            } catch (RegistryException e) {
                if (local.isPresent()) {
                    // the new manifest may not be stored (an immutable tag, the quota): the cached one is still served
                    log.info("Serving the cached {}:{}: the upstream's new manifest was refused: {}", name, reference, e.getMessage());
                    if (reference.isTag()) {
                        checked(name, reference.tag()); // not asked again (and refused again) before the window passes
                    }
                    return local.get();
                }
                throw e;
            }
        }
        if (local.isPresent()) {
            return local.get(); // served as cached: the upstream does not have it now, or cannot be asked
        }
        throw missing(failures, ErrorCode.MANIFEST_UNKNOWN, "manifest " + reference + " of " + name);
    }

    /**
     * Caches the referrers (signatures, SBOMs, attestations) the upstream lists for a manifest just cached, off the
     * pull's path: an upstream without the referrers API (Distribution 2.8) answers 404 and nothing comes along.
     * Their blobs are fetched when a client asks for them, as for any cached manifest.
     */
    private void cacheReferrersLater(UpstreamClient.Upstream upstream, String repository, RepositoryName name, Digest subject) {
        Thread.ofVirtual().name("proxy-referrers").start(() -> {
            try {
                for (Digest referrer : client.referrers(upstream, repository, subject)) {
                    if (artifacts.findManifest(name, new Reference(null, referrer)).isEmpty()) {
                        UpstreamClient.Manifest fetched = client.manifest(upstream, repository, referrer.toString());
                        artifacts.cacheManifest(name, new Reference(null, referrer), fetched.content(), fetched.mediaType(),
                                upstream.name());
                    }
                }
            } catch (UpstreamException | RuntimeException e) {
                log.info("The referrers of {}@{} were not cached from upstream {}: {}", name, subject, upstream.name(),
                        e.getMessage());
            }
        });
    }

    private boolean fresh(RepositoryName name, String tag) {
        OffsetDateTime after = OffsetDateTime.ofInstant(Instant.now().minus(policy.tagStaleness()), ZoneOffset.UTC);
        return jdbc.sql("SELECT count(*) FROM proxy_tag_check c JOIN repository r ON r.id = c.repository_id"
                        + " WHERE r.name = ? AND c.tag = ? AND c.checked_at > ?")
                .params(name.value(), tag, after).query(Long.class).single() > 0;
    }

    /** Records that the tag was compared with its upstream now (outside any transaction; a lost race is fine). */
    private void checked(RepositoryName name, String tag) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Optional<Long> repositoryId = jdbc.sql("SELECT id FROM repository WHERE name = ?").param(name.value())
                .query(Long.class).optional();
        if (repositoryId.isEmpty()) {
            return;
        }
        if (jdbc.sql("UPDATE proxy_tag_check SET checked_at = ? WHERE repository_id = ? AND tag = ?")
                .params(now, repositoryId.get(), tag).update() == 0) {
            try {
                jdbc.sql("INSERT INTO proxy_tag_check (repository_id, tag, checked_at) VALUES (?, ?, ?)")
                        .params(repositoryId.get(), tag, now).update();
            } catch (DuplicateKeyException raced) {
                // another pull recorded it at the same moment
            }
        }
    }

    /**
     * Fetches a blob the proxy project's repository lacks. When no other request of this replica is fetching it, this
     * one does, streaming it to {@code sink} (when given) while it is stored, and answers {@code STREAMED}; otherwise it
     * waits for that fetch and answers {@code STORED}: serve the client from the store. Throws {@code BLOB_UNKNOWN}
     * when no upstream has it, {@code UNAVAILABLE} when none could be asked.
     *
     * @param sink the client's response, or null to store the blob only (a {@code HEAD})
     */
    public Fetched fetchBlob(ProxyProject project, RepositoryName name, Digest digest, BlobSink sink) throws IOException {
        CompletableFuture<Fetch> mine = new CompletableFuture<>();
        CompletableFuture<Fetch> running = fetching.putIfAbsent(digest, mine);
        if (running != null) {
            Fetch fetched = await(running);
            if (fetched.repository().equals(name)) {
                linkUnlessLinked(name, fetched.blob());
            } else {
                // fetched for another repository, maybe of another project and upstream: this one's upstream decides
                linkIfUpstreamHas(project, name, fetched.blob());
            }
            return Fetched.STORED;
        }
        try {
            Optional<BlobInfo> stored = store.stat(digest);
            if (stored.isPresent()) {
                // the bytes are here already (pushed to another project, or fetched for one): only the link is missing,
                // and only the upstream may say this repository has them (a digest alone never grants access)
                linkIfUpstreamHas(project, name, stored.get());
                mine.complete(new Fetch(stored.get(), name));
                return Fetched.STORED;
            }
            BlobInfo fetched = fetchFromUpstreams(project, name, digest, sink);
            mine.complete(new Fetch(fetched, name));
            return sink == null ? Fetched.STORED : Fetched.STREAMED;
        } catch (IOException | RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            fetching.remove(digest, mine);
        }
    }

    /** A finished fetch: the blob, and the repository it was fetched for (and linked in). */
    private record Fetch(BlobInfo blob, RepositoryName repository) {
    }

    /**
     * Links bytes the store holds into the repository when one of the project's upstreams has the blob in it (a
     * {@code HEAD}, no bytes fetched); {@code BLOB_UNKNOWN} when none has, {@code UNAVAILABLE} when none could say.
     */
    private void linkIfUpstreamHas(ProxyProject project, RepositoryName name, BlobInfo blob) {
        if (blobs.linkedSize(name, blob.digest()).isPresent()) {
            return;
        }
        List<UpstreamException> failures = new ArrayList<>();
        for (int i = 0; i < project.upstreams().size(); i++) {
            try {
                client.blobExists(project.upstreams().get(i), upstreamRepository(project.endpoints().get(i), name), blob.digest());
                quotas.requireRoomFor(name.project(), blob.size(), blob.digest().toString());
                blobs.link(name, blob);
                return;
            } catch (UpstreamException e) {
                failures.add(e);
            }
        }
        throw missing(failures, ErrorCode.BLOB_UNKNOWN, "blob " + blob.digest() + " of " + name);
    }

    /**
     * Links the blob unless the repository links it already: the waiters of one fetch are mostly pulls of the same
     * repository, and a link takes the project's usage lock (32 nodes waiting on 6 blobs queued 192 short
     * transactions on it, and the pool's connections ran out: bench/proxy.sh).
     */
    private void linkUnlessLinked(RepositoryName name, BlobInfo blob) {
        if (blobs.linkedSize(name, blob.digest()).isEmpty()) {
            blobs.link(name, blob);
        }
    }

    /**
     * What another request's upstream fetch gave: its answer, or its refusal in this request's own exception (an
     * exception is not thrown twice, on two threads, as one object).
     */
    private static <T> T await(CompletableFuture<T> running) {
        try {
            return running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(ErrorCode.UNAVAILABLE, "interrupted while waiting for the upstream");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RegistryException registry) {
                throw new RegistryException(registry.code(), registry.getMessage(), registry.detail());
            }
            throw new RegistryException(ErrorCode.UNAVAILABLE, "asking the upstream failed: " + e.getCause().getMessage());
        }
    }

    private BlobInfo fetchFromUpstreams(ProxyProject project, RepositoryName name, Digest digest, BlobSink sink)
            throws IOException {
        List<UpstreamException> failures = new ArrayList<>();
        for (int i = 0; i < project.upstreams().size(); i++) {
            UpstreamClient.Upstream upstream = project.upstreams().get(i);
            UpstreamClient.Blob blob;
            try {
                blob = client.blob(upstream, upstreamRepository(project.endpoints().get(i), name), digest);
            } catch (UpstreamException e) {
                failures.add(e);
                continue;
            }
            try (blob) {
                // a blob the quota will not take is refused before its first byte (the link stays the exact check)
                quotas.requireRoomFor(name.project(), Math.max(blob.length(), 0), digest.toString());
                return store(name, digest, blob, sink, upstream.name());
            }
        }
        throw missing(failures, ErrorCode.BLOB_UNKNOWN, "blob " + digest + " of " + name);
    }

    /** Stores the upstream's bytes (verified), links them, and streams them to the sink, its last bytes once verified. */
    private BlobInfo store(RepositoryName name, Digest digest, UpstreamClient.Blob blob, BlobSink sink, String upstream)
            throws IOException {
        BlobUpload upload = store.startUpload();
        HeldBackTee tee = new HeldBackTee(blob.body(), sink == null ? null : sink.start(blob.length()));
        // an upstream that stops sending in the middle of a blob is given up after registry.proxy.request-timeout
        // (the waiting requests of this replica with it), instead of holding them for ever
        long stallNanos = policy.requestTimeout().toNanos();
        java.util.concurrent.ScheduledFuture<?> guard = STALLS.scheduleWithFixedDelay(() -> {
            if (System.nanoTime() - tee.lastRead > stallNanos) {
                try {
                    blob.close();
                } catch (IOException ignored) {
                    // the read fails either way
                }
            }
        }, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
        BlobInfo info;
        try {
            upload.append(tee, blob.length());
            info = upload.commit(digest);
        } catch (DigestMismatchException e) {
            log.warn("Upstream {} sent bytes for {} of {} that do not match the digest; nothing was stored", upstream, digest, name);
            throw new RegistryException(ErrorCode.UNAVAILABLE, "upstream " + upstream + " sent bytes for blob " + digest
                    + " that do not match its digest; nothing was stored");
        } catch (IOException e) {
            upload.cancel();
            throw new RegistryException(ErrorCode.UNAVAILABLE, "fetching blob " + digest + " from upstream " + upstream
                    + " failed: " + e.getMessage() + "; nothing was stored");
        } catch (dev.registry.storage.SizeMismatchException e) {
            upload.cancel();
            throw new RegistryException(ErrorCode.UNAVAILABLE, "upstream " + upstream + " announced " + blob.length()
                    + " bytes for blob " + digest + " and sent another number; nothing was stored");
        } catch (RuntimeException e) {
            upload.cancel();
            throw e;
        } finally {
            guard.cancel(false);
        }
        blobs.link(name, info);
        tee.release();
        return info;
    }

    private static RegistryException missing(List<UpstreamException> failures, ErrorCode notFound, String what) {
        boolean allNotFound = failures.stream().allMatch(f -> f.kind() == UpstreamException.Kind.NOT_FOUND);
        String reasons = String.join("; ", failures.stream().map(Throwable::getMessage).toList());
        if (allNotFound) {
            return new RegistryException(notFound, what + " is not cached and no upstream has it: " + reasons);
        }
        if (failures.stream().anyMatch(f -> f.kind() == UpstreamException.Kind.RATE_LIMITED)
                && failures.stream().allMatch(f -> f.kind() == UpstreamException.Kind.RATE_LIMITED
                        || f.kind() == UpstreamException.Kind.NOT_FOUND)) {
            // the client backs off as it would from the upstream itself
            return new RegistryException(ErrorCode.TOOMANYREQUESTS, what + " is not cached, and the upstream limits the"
                    + " rate of pulls: " + reasons);
        }
        return new RegistryException(ErrorCode.UNAVAILABLE, what + " is not cached and could not be fetched: " + reasons);
    }

    private static String normalizedHost(String host) {
        if (host == null || host.isBlank()) {
            return null;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (!HOST.matcher(h).matches()) {
            throw invalid("proxy.mirrorOf", "mirrorOf is a registry host as image names spell it (docker.io, ghcr.io,"
                    + " registry.example.com:5000), not " + host);
        }
        return h;
    }

    private static RegistryException invalid(String field, String message) {
        return new RegistryException(ErrorCode.INVALID_INPUT, message, Map.of("field", field));
    }

    /**
     * Reads the upstream's bytes for the store and copies them to the client, one read behind: the last read's bytes
     * reach the client only on {@link #release}, after the digest was verified. A client that went away does not stop
     * the fetch (the cache still fills).
     */
    private static final class HeldBackTee extends FilterInputStream {
        private final OutputStream client;
        /** When the upstream last sent bytes ({@link System#nanoTime}). */
        private volatile long lastRead = System.nanoTime();
        private byte[] held = new byte[0];
        private int heldLength;
        private boolean clientGone;

        HeldBackTee(InputStream in, OutputStream client) {
            super(in);
            this.client = client;
            this.clientGone = client == null;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            lastRead = System.nanoTime();
            if (n > 0 && !clientGone) {
                send();
                if (held.length < n) {
                    held = new byte[Math.max(n, 64 * 1024)];
                }
                System.arraycopy(b, off, held, 0, n);
                heldLength = n;
            }
            return n;
        }

        private void send() {
            if (heldLength == 0 || clientGone) {
                return;
            }
            try {
                client.write(held, 0, heldLength);
            } catch (IOException e) {
                clientGone = true; // the client went away: keep storing
            }
            heldLength = 0;
        }

        void release() throws IOException {
            if (clientGone) {
                return;
            }
            send();
            if (!clientGone) {
                client.flush();
            }
        }

        @Override
        public void close() {
            // the upstream's stream is closed by its owner
        }
    }
}
