package dev.registry.core.artifact;

import dev.registry.core.Actor;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.artifact.internal.AccessoryLinks;
import dev.registry.core.artifact.internal.ManifestEntity;
import dev.registry.core.artifact.internal.ManifestEntityRepository;
import dev.registry.core.artifact.internal.ManifestParser;
import dev.registry.core.artifact.internal.Repositories;
import dev.registry.core.artifact.internal.RepositoryEntityRepository;
import dev.registry.core.artifact.internal.Retry;
import dev.registry.core.artifact.internal.TagEntityRepository;
import dev.registry.core.artifact.internal.BlobEntityRepository;
import dev.registry.core.artifact.internal.RowLocks;
import dev.registry.core.artifact.internal.UnsharedBlobs;
import dev.registry.core.gc.GcPolicy;
import dev.registry.core.gc.ReviewQueue;
import dev.registry.core.quota.QuotaLedger;
import dev.registry.storage.Digest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.stream.Collectors;
import java.time.Duration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Manifests, tags, referrers and the catalog: the public face of the artifact feature.
 *
 * <p>A manifest push is one short transaction: it becomes visible (by digest and, if given, by
 * tag) only when every blob it references is linked in the repository and every child manifest is
 * present; otherwise nothing of it is stored. Tag moves are read-your-writes: reads by tag go to
 * the database, never to a cache.
 *
 * <p>Every change publishes its event ({@link ArtifactPushed}, {@link ArtifactDeleted},
 * {@link TagDeleted}, {@link RepositoryDeleted}) inside its transaction; {@link #pulled} publishes
 * {@link ArtifactPulled} for a manifest GET.
 *
 * <p>Every change keeps the project's storage usage ({@link QuotaLedger}) in the same transaction,
 * taking the project's usage lock first: a push that would exceed the quota is refused with
 * {@code DENIED} and stores nothing, and a deletion frees its share at once.
 *
 * <p>Every change that may leave something unreferenced queues it for online garbage collection
 * ({@link ReviewQueue}) in the same transaction: a manifest pushed without a tag, the manifest a
 * tag left, a deleted manifest's blobs, children and referrers, a deleted repository's blobs. A
 * manifest push holds the blobs it references with a shared row lock while it checks their
 * links, so a collection deleting one of them either waits for the push or is waited for (and the
 * push then answers {@code MANIFEST_BLOB_UNKNOWN}).
 */
@Service
public class ArtifactService {

    /** Manifests larger than this are refused (the limit CNCF Distribution and most clients use). */
    public static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

    private final ManifestParser parser;
    private final Repositories repositories;
    private final RepositoryEntityRepository repositoryEntities;
    private final ManifestEntityRepository manifests;
    private final TagEntityRepository tags;
    private final BlobEntityRepository blobs;
    private final TransactionTemplate tx;
    private final TransactionTemplate readTx;
    private final ApplicationEventPublisher events;
    private final TagGuard guard;
    private final QuotaLedger quota;
    private final UnsharedBlobs unshared;
    private final ReviewQueue review;
    private final RowLocks locks;
    private final JdbcClient jdbc;
    private final Duration grace;
    private final AccessoryLinks accessoryLinks;

    public ArtifactService(ManifestParser parser, Repositories repositories, RepositoryEntityRepository repositoryEntities,
                           ManifestEntityRepository manifests, TagEntityRepository tags, BlobEntityRepository blobs,
                           TransactionTemplate tx, ApplicationEventPublisher events, TagGuard guard, QuotaLedger quota,
                           UnsharedBlobs unshared, ReviewQueue review, RowLocks locks, JdbcClient jdbc, GcPolicy gc,
                           AccessoryLinks accessoryLinks) {
        this.accessoryLinks = accessoryLinks;
        this.review = review;
        this.locks = locks;
        this.jdbc = jdbc;
        this.grace = gc.grace();
        this.guard = guard;
        this.quota = quota;
        this.unshared = unshared;
        this.parser = parser;
        this.repositories = repositories;
        this.repositoryEntities = repositoryEntities;
        this.manifests = manifests;
        this.tags = tags;
        this.blobs = blobs;
        this.tx = tx;
        this.readTx = new TransactionTemplate(tx.getTransactionManager());
        this.readTx.setReadOnly(true);
        this.events = events;
    }

    /**
     * Stores a manifest under its digest and, when {@code reference} is a tag, points the tag at it.
     * Moving a tag to another manifest asks the {@link TagGuard} first ({@code DENIED} for an
     * immutable tag). A manifest new to the repository adds its size to the project's usage;
     * {@code DENIED} (nothing stored) when that would exceed the project's quota.
     *
     * @param contentType the request's media type without parameters, or null
     */
    public PushedManifest putManifest(RepositoryName name, Reference reference, byte[] content, String contentType) {
        if (content.length > MAX_MANIFEST_BYTES) {
            throw new RegistryException(ErrorCode.MANIFEST_TOO_LARGE,
                    "manifest is larger than the limit of " + MAX_MANIFEST_BYTES + " bytes");
        }
        ParsedManifest parsed = parser.parse(content, contentType);
        Digest digest = Digest.of(reference.isTag() ? "sha256" : reference.digest().algorithm(), content);
        if (!reference.isTag() && !digest.equals(reference.digest())) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID,
                    "manifest pushed as " + reference.digest() + " but its content hashes to " + digest);
        }
        // decided before the transaction takes the project's lock: no pattern is evaluated under it
        TagGuard.Check guarded = reference.isTag() ? guard.prepare(name, List.of(reference.tag())) : null;
        Retry.onConflict(() -> tx.execute(status -> {
            store(name, reference, content, parsed, digest, guarded, true);
            return null;
        }));
        return new PushedManifest(digest, parsed.subject() == null ? null : parsed.subject().digest());
    }

    /**
     * Stores a manifest a proxy project fetched from its upstream, as {@link #putManifest} does (tag guard, quota,
     * review, event) except that its blobs and children need not be here: a proxy project fetches them when a client
     * asks for them. The {@link ArtifactPushed} event names the upstream as its cause.
     *
     * @return the manifest as stored
     */
    public ManifestContent cacheManifest(RepositoryName name, Reference reference, byte[] content, String contentType,
                                         String upstream) {
        ParsedManifest parsed = parser.parse(content, contentType);
        Digest digest = reference.isTag() ? Digest.sha256(content) : reference.digest();
        TagGuard.Check guarded = reference.isTag() ? guard.prepare(name, List.of(reference.tag())) : null;
        try (Actor.Scope ignored = Actor.open(Actor.current().because("cached from upstream " + upstream))) {
            Retry.onConflict(() -> tx.execute(status -> {
                store(name, reference, content, parsed, digest, guarded, false);
                return null;
            }));
        }
        return new ManifestContent(digest, parsed.mediaType(), content);
    }

    private void store(RepositoryName name, Reference reference, byte[] content, ParsedManifest parsed, Digest digest,
                       TagGuard.Check guarded, boolean requireContent) {
        QuotaLedger.Held project = quota.lock(name.project());
        long repositoryId = repositories.ensure(name);
        if (requireContent) {
            requireReferencedContent(repositoryId, parsed);
        }
        Instant now = Instant.now();
        boolean isNew = manifests.findId(repositoryId, digest.toString()).isEmpty();
        if (isNew) {
            quota.manifestAdding(project, repositoryId, content.length);
        }
        manifests.insertIfAbsent(repositoryId, digest.toString(), parsed.mediaType(), parsed.artifactType(),
                content.length, content, parsed.subject() == null ? null : parsed.subject().digest().toString(),
                parsed.annotations(), now);
        long manifestId = manifests.findId(repositoryId, digest.toString()).orElseThrow();
        if (isNew && !reference.isTag()) {
            // pushed by digest: an index child or a referrer, kept by what it hangs on, else untagged garbage
            review.manifest(manifestId, now.plus(grace), "pushed-by-digest");
        }
        for (Descriptor blob : parsed.blobs()) {
            manifests.addReference(manifestId, "blob", blob.digest().toString());
        }
        for (Descriptor child : parsed.children()) {
            manifests.addReference(manifestId, "manifest", child.digest().toString());
        }
        if (reference.isTag()) {
            Optional<Long> current = tags.findManifestId(repositoryId, reference.tag());
            if (current.isPresent() && current.get() != manifestId) {
                guarded.checkMayChange(reference.tag());
                review.manifest(current.get(), now, "tag-moved");
            }
        }
        if (reference.isTag() && tags.point(repositoryId, reference.tag(), manifestId, now) == 0
                && tags.insertIfAbsent(repositoryId, reference.tag(), manifestId, now) == 0) {
            tags.point(repositoryId, reference.tag(), manifestId, now);
        }
        events.publishEvent(new ArtifactPushed(Actor.current(), name, digest, reference.isTag() ? reference.tag() : null,
                parsed.mediaType()));
    }

    private void requireReferencedContent(long repositoryId, ParsedManifest parsed) {
        Set<String> wantedBlobs = parsed.blobs().stream().filter(d -> !d.foreign())
                .map(d -> d.digest().toString()).collect(Collectors.toCollection(HashSet::new));
        if (!wantedBlobs.isEmpty()) {
            // held until commit: garbage collection cannot delete them between this check and the references
            Map<String, Long> storedSizes = new HashMap<>();
            jdbc.sql("SELECT digest, size FROM blob WHERE digest IN (:digests) ORDER BY digest" + locks.share())
                    .param("digests", wantedBlobs).query((rs, row) -> storedSizes.put(rs.getString(1), rs.getLong(2))).list();
            wantedBlobs.removeAll(blobs.linkedAmong(repositoryId, wantedBlobs));
            if (!wantedBlobs.isEmpty()) {
                throw new RegistryException(ErrorCode.MANIFEST_BLOB_UNKNOWN,
                        "manifest references blobs that are not in this repository: " + String.join(", ", wantedBlobs),
                        Map.of("missing", List.copyOf(wantedBlobs)));
            }
            requireStoredSizes(parsed.blobs(), storedSizes, "blob");
        }
        Set<String> wantedChildren = parsed.children().stream().map(d -> d.digest().toString())
                .collect(Collectors.toCollection(HashSet::new));
        if (!wantedChildren.isEmpty()) {
            Map<String, Long> storedSizes = new HashMap<>();
            jdbc.sql("SELECT digest, size FROM manifest WHERE repository_id = :repository AND digest IN (:digests)")
                    .param("repository", repositoryId).param("digests", wantedChildren)
                    .query((rs, row) -> storedSizes.put(rs.getString(1), rs.getLong(2))).list();
            wantedChildren.removeAll(storedSizes.keySet());
            if (!wantedChildren.isEmpty()) {
                throw new RegistryException(ErrorCode.MANIFEST_BLOB_UNKNOWN,
                        "index references manifests that are not in this repository: " + String.join(", ", wantedChildren),
                        Map.of("missing", List.copyOf(wantedChildren)));
            }
            requireStoredSizes(parsed.children(), storedSizes, "manifest");
        }
    }

    /**
     * Image spec "Descriptors": {@code size} is the exact byte count of the content it names. A config,
     * layer or index entry whose size differs from the stored blob's or manifest's is {@code MANIFEST_INVALID}
     * (the spec's code for a manifest that fails verification; clients would refuse the content on pull).
     */
    private static void requireStoredSizes(List<Descriptor> descriptors, Map<String, Long> storedSizes, String kind) {
        for (Descriptor descriptor : descriptors) {
            Long stored = storedSizes.get(descriptor.digest().toString());
            if (!descriptor.foreign() && stored != null && stored != descriptor.size()) {
                throw new RegistryException(ErrorCode.MANIFEST_INVALID, "descriptor " + descriptor.digest() + " declares size "
                        + descriptor.size() + " but the stored " + kind + " has " + stored + " bytes",
                        Map.of("digest", descriptor.digest().toString(), "declaredSize", descriptor.size(), "storedSize", stored));
            }
        }
    }

    /**
     * The manifest a tag or digest names, or {@code MANIFEST_UNKNOWN}. One statement reading the three columns a pull
     * answers with, outside any transaction: this is every pull's first request, and loading the whole entity through
     * a read-only JPA transaction was a third of a manifest GET's CPU (issue 15's profile).
     */
    public ManifestContent getManifest(RepositoryName name, Reference reference) {
        return findManifest(name, reference).orElseThrow(() -> new RegistryException(ErrorCode.MANIFEST_UNKNOWN,
                "manifest " + reference + " is not in repository " + name));
    }

    /** The manifest a tag or digest names, if the repository holds it ({@link #getManifest}'s one statement). */
    public Optional<ManifestContent> findManifest(RepositoryName name, Reference reference) {
        var query = reference.isTag()
                ? jdbc.sql("SELECT m.digest, m.media_type, m.content FROM repository r JOIN tag t ON t.repository_id = r.id"
                        + " JOIN manifest m ON m.id = t.manifest_id WHERE r.name = ? AND t.name = ?")
                        .params(name.value(), reference.tag())
                : jdbc.sql("SELECT m.digest, m.media_type, m.content FROM repository r JOIN manifest m ON m.repository_id = r.id"
                        + " WHERE r.name = ? AND m.digest = ?")
                        .params(name.value(), reference.digest().toString());
        return query.query((rs, row) -> new ManifestContent(Digest.parse(rs.getString(1)), rs.getString(2), rs.getBytes(3)))
                .optional();
    }

    /**
     * Deletes a tag (the manifest stays), or a manifest by digest together with the tags that
     * point at it; {@code DENIED} when the {@link TagGuard} protects one of those tags.
     *
     * <p>Deleting a manifest frees its share of the project's usage at once: its own size, and the
     * blobs it referenced that no other manifest of the repository references are unlinked from
     * the repository (their size leaves the usage when no other repository of the project links
     * them). A client that later pushes a manifest using such a blob uploads (or mounts) it again.
     *
     * <p>Its accessories attached by a cosign tag ({@code sha256-<hex>.sig|att|sbom}, {@link Accessory})
     * are deleted with it, tags and manifests (Harbor deletes accessories with their subject; the tag
     * would otherwise keep a signature of nothing forever). Its referrers are not: they are untagged, so
     * they are queued for garbage collection, which deletes them as referrers of a deleted subject;
     * deleting them here would make a client's later {@code DELETE} of a referrer answer 404 (the OCI
     * conformance suite deletes a subject, then its referrers, expecting 2xx or 405).
     */
    public void deleteManifest(RepositoryName name, Reference reference) {
        if (reference.isTag()) {
            deleteTag(name, reference.tag());
        } else {
            deleteByDigest(name, reference.digest(), false);
        }
    }

    private void deleteTag(RepositoryName name, String tag) {
        TagGuard.Check guarded = guard.prepare(name, List.of(tag));
        tx.executeWithoutResult(status -> {
            quota.lock(name.project());
            long repositoryId = repositories.require(name);
            guarded.checkMayChange(tag);
            Optional<Long> tagged = tags.findManifestId(repositoryId, tag);
            if (tagged.isEmpty() || tags.deleteByName(repositoryId, tag) == 0) {
                throw new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "tag " + tag + " is not in repository " + name);
            }
            review.manifest(tagged.get(), Instant.now(), "untagged");
            events.publishEvent(new TagDeleted(Actor.current(), name, tag));
        });
    }

    /** Deletes the manifest {@code digest} with its accessories (all of them when {@code withReferrers}, else those attached by tag). */
    private void deleteByDigest(RepositoryName name, Digest digest, boolean withReferrers) {
        TagGuard.Check guarded = guard.prepare(name, readTx.execute(status -> repositories.find(name)
                .flatMap(id -> manifests.findId(id, digest.toString()).map(m -> tagsWithAccessories(id, m, digest, withReferrers)))
                .orElse(List.of())));
        tx.executeWithoutResult(status -> {
            QuotaLedger.Held project = quota.lock(name.project());
            long repositoryId = repositories.require(name);
            long manifestId = manifests.findId(repositoryId, digest.toString()).orElseThrow(() ->
                    new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "manifest " + digest + " is not in repository " + name));
            tags.namesOf(manifestId).forEach(guarded::checkMayChange);
            delete(name, project, repositoryId, manifestId, digest, withReferrers, guarded);
        });
    }

    /** The manifest's tags and those of the accessories that would go with it, for {@link TagGuard#prepare}. */
    private List<String> tagsWithAccessories(long repositoryId, long manifestId, Digest digest, boolean withReferrers) {
        List<String> names = new ArrayList<>(tags.namesOf(manifestId));
        accessoryLinks.of(repositoryId, manifestId, digest.toString(), withReferrers).forEach(id -> names.addAll(tags.namesOf(id)));
        return names;
    }

    /**
     * Deletes the artifact a tag or digest names, with all its tags (the management API's
     * {@code DELETE …/artifacts/<reference>}, as Harbor's): by digest as {@link #deleteManifest};
     * by tag, the manifest the tag points at when the project's lock is held, so a tag moved
     * meanwhile deletes what it points at then. {@code DENIED} when an immutable tag protects any
     * of its tags; {@code MANIFEST_UNKNOWN} when the tag is not in the repository.
     */
    public void deleteArtifact(RepositoryName name, Reference reference) {
        if (!reference.isTag()) {
            deleteByDigest(name, reference.digest(), true);
            return;
        }
        // the patterns are matched before the lock, on the tags the artifact has now (TagGuard)
        TagGuard.Check guarded = guard.prepare(name, readTx.execute(status -> repositories.find(name)
                .flatMap(id -> tags.findManifestId(id, reference.tag()).flatMap(this::storedManifest)
                        .map(m -> tagsWithAccessories(id, m.id(), m.digest(), true)))
                .orElse(List.of())));
        tx.executeWithoutResult(status -> {
            QuotaLedger.Held project = quota.lock(name.project());
            long repositoryId = repositories.require(name);
            long manifestId = tags.findManifestId(repositoryId, reference.tag()).orElseThrow(() ->
                    new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "tag " + reference + " is not in repository " + name));
            StoredManifest m = storedManifest(manifestId).orElseThrow();
            tags.namesOf(manifestId).forEach(guarded::checkMayChange);
            delete(name, project, repositoryId, manifestId, m.digest(), true, guarded);
        });
    }

    /**
     * Deletes a manifest and its tags, frees its share of the usage and queues what it leaves
     * behind; then its {@link Accessory accessories} attached by tag (and, when {@code withReferrers},
     * its referrers), transitively, each the same way. An accessory's cosign attachment tag is not
     * asked of the guard (its immutability follows its subject's, as in Harbor); any other tag on
     * it is ({@code DENIED} refuses the whole deletion).
     *
     * @return the accessories deleted with it
     */
    private List<DeletedAccessory> delete(RepositoryName name, QuotaLedger.Held project, long repositoryId, long manifestId,
                                          Digest digest, boolean withReferrers, TagGuard.Check guarded) {
        List<Long> accessories = accessoryLinks.of(repositoryId, manifestId, digest.toString(), withReferrers);
        List<UnsharedBlobs.Blob> freed = unshared.referencedOnlyBy(repositoryId, manifestId);
        List<Long> dependents = unshared.dependents(repositoryId, manifestId);
        long size = unshared.manifestSize(manifestId);
        tags.deleteByManifest(manifestId);
        manifests.deleteById(manifestId);
        manifests.flush();
        quota.manifestRemoved(project, repositoryId, size);
        Instant now = Instant.now();
        for (UnsharedBlobs.Blob blob : freed) {
            if (blobs.unlink(repositoryId, blob.digest()) == 1) {
                quota.blobUnlinked(project, repositoryId, blob.digest(), blob.size());
            }
            review.blob(blob.digest(), now, "manifest-deleted");
        }
        // queued while they all exist; an accessory deleted below takes its review row with it
        dependents.stream().filter(id -> id != manifestId).forEach(id -> review.manifest(id, now, "subject-deleted"));
        // its last manifest gone, the repository no longer exists: the collector removes its row
        review.repository(repositoryId, now, "manifest-deleted");
        events.publishEvent(new ArtifactDeleted(Actor.current(), name, digest));
        List<DeletedAccessory> deleted = new ArrayList<>();
        Actor actor = Actor.current();
        for (long id : accessories) {
            Optional<StoredManifest> accessory = storedManifest(id); // an accessory of two deleted manifests goes once
            if (accessory.isEmpty()) {
                continue;
            }
            tags.namesOf(id).stream().filter(tag -> Accessory.subjectOfTag(tag).isEmpty()).forEach(guarded::checkMayChange);
            long accessorySize = unshared.manifestSize(id);
            try (Actor.Scope ignored = Actor.open(actor.because("accessory of " + name + "@" + digest
                    + (actor.cause() == null ? "" : " (" + actor.cause() + ")")))) {
                deleted.add(new DeletedAccessory(accessory.get().digest(), accessorySize));
                // an accessory's own accessories (a signature of an SBOM) it took along are counted here
                deleted.addAll(delete(name, project, repositoryId, id, accessory.get().digest(), false, guarded));
            }
        }
        return deleted;
    }

    /** An accessory deleted with its subject: its digest and its manifest's size. */
    public record DeletedAccessory(Digest digest, long size) {
    }

    /**
     * A manifest as garbage collection sees it; once deleted ({@link #deleteIf}), with the
     * accessories deleted with it.
     */
    public record StoredManifest(long id, RepositoryName repository, long repositoryId, Digest digest,
                                 List<DeletedAccessory> accessories) {
    }

    /**
     * Deletes the manifest {@code manifestId} (with its tags, and what it frees, as
     * {@link #deleteManifest} by digest does) when {@code condition} still holds once the
     * project's lock is taken, so no push, tag change or deletion of the project runs between the
     * decision and the deletion: garbage collection and retention decide outside, then delete
     * only what is still garbage. {@code DENIED} when an immutable tag points at it. Its
     * accessories, referrers included, go with it (as Harbor deletes them with their subject).
     * Publishes {@link ArtifactDeleted} for the audit log, for it and each accessory.
     *
     * @param condition evaluated inside the deleting transaction (it may query the database)
     * @return the deleted manifest with the accessories deleted with it, or empty when it was gone or
     *         {@code condition} kept it
     */
    public Optional<StoredManifest> deleteIf(long manifestId, LongPredicate condition) {
        // decided before the lock; a manifest gone by then stays gone (ids are not reused), so it needs none
        Optional<TagGuard.Check> guarded = readTx.execute(status -> storedManifest(manifestId)
                .map(m -> guard.prepare(m.repository(), tagsWithAccessories(m.repositoryId(), manifestId, m.digest(), true))));
        return tx.execute(status -> {
            Optional<StoredManifest> found = storedManifest(manifestId);
            if (found.isEmpty()) {
                return Optional.<StoredManifest>empty();
            }
            StoredManifest m = found.get();
            QuotaLedger.Held project = quota.lock(m.repository().project());
            if (storedManifest(manifestId).isEmpty() || !condition.test(manifestId)) {
                return Optional.<StoredManifest>empty();
            }
            TagGuard.Check check = guarded.orElseGet(() -> guard.prepare(m.repository(), List.of()));
            tags.namesOf(manifestId).forEach(check::checkMayChange);
            List<DeletedAccessory> accessories = delete(m.repository(), project, m.repositoryId(), manifestId, m.digest(), true, check);
            return Optional.of(new StoredManifest(m.id(), m.repository(), m.repositoryId(), m.digest(), accessories));
        });
    }

    /** The id of the manifest with this digest in the repository, if it is there. */
    public Optional<Long> manifestId(RepositoryName name, Digest digest) {
        return readTx.execute(status -> repositories.find(name).flatMap(id -> manifests.findId(id, digest.toString())));
    }

    private Optional<StoredManifest> storedManifest(long manifestId) {
        return jdbc.sql("SELECT m.id, r.name, r.id, m.digest FROM manifest m JOIN repository r ON r.id = m.repository_id WHERE m.id = ?")
                .param(manifestId)
                .query((rs, n) -> new StoredManifest(rs.getLong(1), new RepositoryName(rs.getString(2)), rs.getLong(3),
                        Digest.parse(rs.getString(4)), List.of())).optional();
    }

    /**
     * Deletes a repository with every manifest, tag, blob link and open upload in it. The blobs'
     * bytes stay in the store (other repositories may link them). {@code NAME_UNKNOWN} when there
     * is no such repository. The project's usage is recounted in the same transaction.
     */
    public void deleteRepository(RepositoryName name) {
        TagGuard.Check guarded = guard.prepare(name,
                readTx.execute(status -> repositories.find(name).map(tags::namesIn).orElse(List.of())));
        tx.executeWithoutResult(status -> {
            QuotaLedger.Held project = quota.lock(name.project());
            long repositoryId = repositories.require(name);
            long artifacts = manifests.countByRepositoryId(repositoryId);
            tags.namesIn(repositoryId).forEach(guarded::checkMayChange);
            review.blobsLinkedIn(repositoryId, Instant.now(), "repository-deleted");
            repositoryEntities.deleteById(repositoryId); // manifests, tags, links and sessions cascade in the database
            repositoryEntities.flush();
            quota.recount(project);
            events.publishEvent(new RepositoryDeleted(Actor.current(), name, artifacts));
        });
    }

    /**
     * Records that a client fetched a manifest (a pull), asked for by {@code reference} and served as
     * {@code digest}: for the audit log's pull counts and the last-pulled times, off the request's path.
     */
    public void pulled(RepositoryName name, String reference, Digest digest) {
        events.publishEvent(new ArtifactPulled(Actor.current(), name, reference, digest));
    }

    /** Tags in lexical order after {@code last}; {@code NAME_UNKNOWN} for an unknown repository. */
    public Page tags(RepositoryName name, int limit, String last) {
        return readTx.execute(status -> {
            long repositoryId = repositories.require(name);
            return page(tags.page(repositoryId, last == null ? "" : last, limit + 1), limit);
        });
    }

    /** Repositories holding at least one manifest, in lexical order after {@code last}. */
    public Page catalog(int limit, String last) {
        return catalog(limit, last, null);
    }

    /** {@link #catalog(int, String)} limited to the projects with these ids ({@code null}: all projects). */
    public Page catalog(int limit, String last, List<Long> projectIds) {
        if (projectIds != null && projectIds.isEmpty()) {
            return new Page(List.of(), false);
        }
        String after = last == null ? "" : last;
        return readTx.execute(status -> page(projectIds == null ? repositoryEntities.catalogPage(after, limit + 1)
                : repositoryEntities.catalogPage(after, limit + 1, projectIds), limit));
    }

    private static Page page(List<String> fetched, int limit) {
        boolean more = fetched.size() > limit;
        return new Page(more ? List.copyOf(fetched.subList(0, limit)) : fetched, more);
    }

    /** Manifests in the repository whose subject is {@code subject}, optionally of one artifact type. */
    public List<Referrer> referrers(RepositoryName name, Digest subject, String artifactType) {
        return readTx.execute(status -> {
            Optional<Long> repositoryId = repositories.find(name);
            if (repositoryId.isEmpty()) {
                return List.of();
            }
            List<Referrer> result = new ArrayList<>();
            for (ManifestEntity m : manifests.findReferrers(repositoryId.get(), subject.toString())) {
                if (artifactType == null || artifactType.equals(m.getArtifactType())) {
                    result.add(new Referrer(m.getMediaType(), Digest.parse(m.getDigest()), m.getSize(),
                            m.getArtifactType(), m.getAnnotations()));
                }
            }
            return result;
        });
    }
}
