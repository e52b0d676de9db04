package dev.registry.core.gc;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.artifact.ArtifactService;
import dev.registry.core.artifact.internal.AccessoryLinks;
import dev.registry.core.artifact.internal.UnsharedBlobs;
import dev.registry.core.job.Job;
import dev.registry.core.quota.QuotaLedger;
import dev.registry.storage.BlobStore;
import dev.registry.storage.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Online garbage collection over the review queues ({@link ReviewQueue}); the design and why it is
 * race-safe are in {@code docs/gc-design.md}. Only candidates whose review is due are looked at, so
 * a run's work follows what became unreferenced since the last run, not the registry's size.
 *
 * <p>Untagged manifests first (when asked): a queued manifest goes when it has no tag, is older
 * than the grace, is no child of a kept index and no referrer of a kept subject; it goes through
 * {@link ArtifactService#deleteIf} (one transaction under its project's lock; its accessories, the
 * referrers and the cosign-tagged signatures, attestations and SBOMs, go with it, tags and all; its
 * blobs and children are queued, and its children looked at in the same run). An accessory of a
 * kept subject is never collected: a referrer follows its subject, a cosign-tagged one is tagged. Then blobs, a batch per short transaction: the projects that may lose a link are locked,
 * then the blob rows {@code FOR UPDATE}; a link no manifest of its repository references and older
 * than the grace is removed (the project's usage follows); a blob no manifest references and with
 * no link left loses its row and its bytes while the row is still locked. Anything still in its
 * grace is queued again for when the grace ends. A dry run decides the same way, changes nothing
 * and lists what would go.
 */
@Component
class GarbageCollector {

    /** What a run asks for. */
    record Options(boolean dryRun, boolean deleteUntagged) {
    }

    /** Where the run reports to: counts and items as they happen. */
    interface Report {
        void items(List<GcRun.Item> items);

        void counts(GcRun.Counts counts);
    }

    private static final int MAX_DEPTH = 8;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final TransactionTemplate readTx;
    private final BlobStore store;
    private final QuotaLedger quota;
    private final ArtifactService artifacts;
    private final UnsharedBlobs unshared;
    private final AccessoryLinks accessoryLinks;
    private final ReviewQueue review;
    private final Duration grace;
    private final int batchSize;
    private final double dutyCycle;

    GarbageCollector(JdbcClient jdbc, TransactionTemplate tx, BlobStore store, QuotaLedger quota, ArtifactService artifacts,
                     UnsharedBlobs unshared, AccessoryLinks accessoryLinks, ReviewQueue review, GcPolicy policy) {
        this.unshared = unshared;
        this.accessoryLinks = accessoryLinks;
        this.review = review;
        this.jdbc = jdbc;
        this.tx = tx;
        this.readTx = new TransactionTemplate(tx.getTransactionManager());
        this.readTx.setReadOnly(true);
        this.store = store;
        this.quota = quota;
        this.artifacts = artifacts;
        this.grace = policy.grace();
        this.batchSize = policy.batchSize();
        this.dutyCycle = policy.dutyCycle();
    }

    /** After a batch that took since {@code started} (nanoTime): pauses so that work is {@link GcPolicy#dutyCycle()} of the time. */
    private void pace(long started) {
        long worked = System.nanoTime() - started;
        long pause = (long) (worked * (1 - dutyCycle) / dutyCycle);
        if (pause > 0) {
            try {
                Thread.sleep(java.time.Duration.ofNanos(Math.min(pause, 1_000_000_000L)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Mutable counts of one run. */
    private static final class Tally {
        int reviewedManifests;
        int deletedManifests;
        int reviewedBlobs;
        int deletedBlobs;
        int removedLinks;
        long freedBytes;

        GcRun.Counts counts(int expiredUploads) {
            return new GcRun.Counts(reviewedManifests, deletedManifests, reviewedBlobs, deletedBlobs, removedLinks, freedBytes,
                    expiredUploads);
        }
    }

    GcRun.Counts collect(Options options, Job.Context context, Report report, int expiredUploads) {
        Instant now = Instant.now();
        Tally tally = new Tally();
        // manifests a dry run would delete: what they reference no longer counts
        Set<Long> gone = new HashSet<>();
        if (options.deleteUntagged()) {
            manifests(options, context, report, now, tally, gone);
        }
        // links a dry run would remove, per repository: a repository left without any goes too
        Map<String, Integer> unlinked = new HashMap<>();
        Report seen = !options.dryRun() ? report : new Report() {
            @Override
            public void items(List<GcRun.Item> items) {
                items.stream().filter(item -> item.kind().equals("link")).forEach(item -> unlinked.merge(item.repository(), 1, Integer::sum));
                report.items(items);
            }

            @Override
            public void counts(GcRun.Counts counts) {
                report.counts(counts);
            }
        };
        blobs(options, context, seen, now, tally, gone, expiredUploads);
        repositories(options, context, report, now, gone, unlinked);
        return tally.counts(expiredUploads);
    }

    /** A queue row: its key and when it is due. */
    private record Due<K>(K key, OffsetDateTime at) {
    }

    /**
     * The next batch of a queue's rows due at {@code now}, after {@code after} in
     * (review_after, key) order: a walk through the due part only, on the queue's index.
     */
    private <K> List<Due<K>> duePage(String table, String key, Class<K> type, Instant now, Due<K> after) {
        return jdbc.sql("SELECT " + key + ", review_after FROM " + table + " WHERE review_after <= :due"
                        + " AND (review_after > :afterTime OR (review_after = :afterTime AND " + key + " > :after))"
                        + " ORDER BY review_after, " + key + " LIMIT :limit")
                .param("due", at(now)).param("afterTime", after.at()).param("after", after.key()).param("limit", batchSize)
                .query((rs, n) -> new Due<>(rs.getObject(1, type), rs.getObject(2, OffsetDateTime.class))).list();
    }

    // ---- untagged manifests -------------------------------------------------------------------

    private record ManifestRow(long id, long repositoryId, String repository, String digest, String subject, long size,
                               Instant pushedAt, boolean tagged) {
    }

    /** Why a manifest stays: {@code until} is set when only the grace keeps it. */
    private record Keep(boolean kept, Instant until) {
        static final Keep NO = new Keep(false, null);
        static final Keep YES = new Keep(true, null);
    }

    private void manifests(Options options, Job.Context context, Report report, Instant now, Tally tally, Set<Long> gone) {
        Due<Long> after = new Due<>(0L, at(Instant.EPOCH));
        Set<Long> seen = new HashSet<>();
        while (!context.stopRequested()) {
            long started = System.nanoTime();
            List<Due<Long>> page = duePage("gc_manifest_review", "manifest_id", Long.class, now, after);
            if (page.isEmpty()) {
                break;
            }
            after = page.getLast();
            List<Long> batch = page.stream().map(Due::key).toList();
            Deque<Long> work = new ArrayDeque<>(batch);
            List<GcRun.Item> items = new ArrayList<>();
            while (!work.isEmpty()) {
                long id = work.poll();
                if (!seen.add(id)) {
                    continue;
                }
                tally.reviewedManifests++;
                Optional<Judged> deleted = options.dryRun() ? judgeDry(id, now, gone) : deleteIfGarbage(id, now);
                deleted.ifPresent(judged -> {
                    ManifestRow m = judged.manifest();
                    tally.deletedManifests++;
                    tally.freedBytes += m.size();
                    items.add(new GcRun.Item("manifest", m.repository(), m.digest(), m.size(),
                            "untagged; no child of a kept index, no referrer of a kept subject"));
                    for (ArtifactService.DeletedAccessory accessory : judged.accessories()) {
                        tally.deletedManifests++;
                        tally.freedBytes += accessory.size();
                        items.add(new GcRun.Item("manifest", m.repository(), accessory.digest().toString(), accessory.size(),
                                "accessory of " + m.digest() + ", deleted with it"));
                    }
                    // its children and referrers may be garbage now: look at them in this run
                    work.addAll(judged.dependents());
                });
            }
            report.items(items);
            report.counts(tally.counts(0));
            context.progress("manifests: " + tally.reviewedManifests + " reviewed, " + tally.deletedManifests
                    + (options.dryRun() ? " would be deleted" : " deleted"));
            if (page.size() == batchSize) { // a short page was the last one: no pause before the end
                pace(started);
            }
        }
    }

    /**
     * A manifest judged garbage, its children and referrers (read before it goes), and the
     * accessories deleted with it ({@link ArtifactService#deleteIf}).
     */
    private record Judged(ManifestRow manifest, List<Long> dependents, List<ArtifactService.DeletedAccessory> accessories) {
    }

    private Optional<Judged> judgeDry(long id, Instant now, Set<Long> gone) {
        return readTx.execute(status -> {
            Optional<ManifestRow> m = manifest(id);
            if (m.isEmpty() || gone.contains(id) || keep(m.get(), now, gone, 0, new HashSet<>()).kept()) {
                return Optional.<Judged>empty(); // gone already: an accessory of a manifest judged before
            }
            gone.add(id);
            // as the real run's deletion takes them along
            List<ArtifactService.DeletedAccessory> accessories = new ArrayList<>();
            for (long accessory : accessoryLinks.of(m.get().repositoryId(), id, m.get().digest(), true)) {
                if (gone.add(accessory)) {
                    manifest(accessory).ifPresent(a -> accessories.add(new ArtifactService.DeletedAccessory(Digest.parse(a.digest()),
                            a.size())));
                }
            }
            return Optional.of(new Judged(m.get(), unshared.dependents(m.get().repositoryId(), m.get().id()), accessories));
        });
    }

    /**
     * Decides and deletes in one transaction under the project's lock; the review row is settled
     * there too (removed, or moved to the end of a grace; a deleted manifest's row goes with it),
     * so an event queueing the manifest meanwhile is never lost.
     */
    private Optional<Judged> deleteIfGarbage(long id, Instant now) {
        Judged[] judged = new Judged[1];
        Optional<ArtifactService.StoredManifest> deleted;
        try {
            deleted = artifacts.deleteIf(id, manifestId -> {
                Optional<ManifestRow> m = manifest(manifestId);
                if (m.isEmpty()) {
                    return false;
                }
                Keep keep = keep(m.get(), now, Set.of(), 0, new HashSet<>());
                if (!keep.kept()) {
                    judged[0] = new Judged(m.get(), unshared.dependents(m.get().repositoryId(), m.get().id()), List.of());
                    return true;
                }
                if (keep.until() != null) {
                    jdbc.sql("UPDATE gc_manifest_review SET review_after = ? WHERE manifest_id = ?").params(at(keep.until()), id).update();
                } else {
                    jdbc.sql("DELETE FROM gc_manifest_review WHERE manifest_id = ?").param(id).update();
                }
                return false;
            });
        } catch (RegistryException e) {
            if (e.code() != ErrorCode.DENIED) {
                throw e;
            }
            // an immutable tag on an accessory that would go with it: it stays, until a change queues it again
            jdbc.sql("DELETE FROM gc_manifest_review WHERE manifest_id = ?").param(id).update();
            return Optional.empty();
        }
        return deleted.map(d -> new Judged(judged[0].manifest(), judged[0].dependents(), d.accessories()));
    }

    private Keep keep(ManifestRow m, Instant now, Set<Long> gone, int depth, Set<Long> visiting) {
        if (gone.contains(m.id())) {
            return Keep.NO;
        }
        if (m.tagged() || depth > MAX_DEPTH || !visiting.add(m.id())) {
            return Keep.YES;
        }
        Instant graceEnds = m.pushedAt().plus(grace);
        if (graceEnds.isAfter(now)) {
            return new Keep(true, graceEnds);
        }
        List<Long> parents = jdbc.sql("SELECT p.id FROM manifest_reference x JOIN manifest p ON p.id = x.manifest_id"
                        + " WHERE x.kind = 'manifest' AND x.digest = ? AND p.repository_id = ? AND p.id <> ?")
                .params(m.digest(), m.repositoryId(), m.id()).query(Long.class).list();
        List<Long> holders = new ArrayList<>(parents);
        if (m.subject() != null) {
            jdbc.sql("SELECT id FROM manifest WHERE repository_id = ? AND digest = ?").params(m.repositoryId(), m.subject())
                    .query(Long.class).optional().filter(id -> id != m.id()).ifPresent(holders::add);
        }
        for (long holder : holders) {
            Optional<ManifestRow> h = manifest(holder);
            if (h.isPresent()) {
                Keep keep = keep(h.get(), now, gone, depth + 1, visiting);
                if (keep.kept()) {
                    return keep;
                }
            }
        }
        return Keep.NO;
    }

    private Optional<ManifestRow> manifest(long id) {
        return jdbc.sql("SELECT m.id, m.repository_id, r.name, m.digest, m.subject_digest, m.size, m.pushed_at,"
                        + " CASE WHEN EXISTS (SELECT 1 FROM tag t WHERE t.manifest_id = m.id) THEN 1 ELSE 0 END"
                        + " FROM manifest m JOIN repository r ON r.id = m.repository_id WHERE m.id = ?")
                .param(id)
                .query((rs, n) -> new ManifestRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getLong(6), rs.getObject(7, OffsetDateTime.class).toInstant(), rs.getInt(8) == 1)).optional();
    }

    // ---- blobs --------------------------------------------------------------------------------

    private record Link(String digest, long repositoryId, String repository, String project, Instant createdAt) {
    }

    private record Ref(String digest, long repositoryId, long manifestId) {
    }

    private void blobs(Options options, Job.Context context, Report report, Instant now, Tally tally, Set<Long> gone,
                       int expiredUploads) {
        Due<String> after = new Due<>("", at(Instant.EPOCH));
        Set<String> extra = new TreeSet<>();
        if (options.dryRun() && !gone.isEmpty()) {
            // what the deletion of those manifests would free is looked at too
            for (List<Long> chunk : chunks(new ArrayList<>(gone))) {
                extra.addAll(jdbc.sql("SELECT DISTINCT digest FROM manifest_reference WHERE kind = 'blob' AND manifest_id IN (:ids)")
                        .param("ids", chunk).query(String.class).list());
            }
        }
        Set<String> seen = new HashSet<>();
        while (!context.stopRequested()) {
            long started = System.nanoTime();
            List<Due<String>> page = duePage("gc_blob_review", "digest", String.class, now, after);
            List<String> batch;
            if (page.isEmpty()) {
                batch = extra.stream().filter(d -> !seen.contains(d)).limit(batchSize).toList();
                if (batch.isEmpty()) {
                    break;
                }
            } else {
                after = page.getLast();
                // in digest order: the order the blob rows are locked in, as manifest pushes lock them
                batch = page.stream().map(Due::key).sorted().toList();
            }
            seen.addAll(batch);
            List<String> digests = batch;
            if (options.dryRun()) {
                report.items(readTx.execute(status -> judgeBlobs(digests, now, gone, tally)));
            } else {
                // the items commit with the deletions they describe
                tx.executeWithoutResult(status -> report.items(collectBlobs(digests, now, tally)));
            }
            report.counts(tally.counts(expiredUploads));
            context.progress("blobs: " + tally.reviewedBlobs + " reviewed, " + tally.deletedBlobs
                    + (options.dryRun() ? " would be deleted" : " deleted") + " (" + tally.freedBytes + " bytes), "
                    + tally.removedLinks + " links removed");
            if (batch.size() == batchSize) { // a short batch was the last one: no pause before the end
                pace(started);
            }
        }
    }

    /** One batch for real, in the caller's transaction. */
    private List<GcRun.Item> collectBlobs(List<String> batch, Instant now, Tally tally) {
        Instant cutoff = now.minus(grace);
        // 1. lock the projects that may lose a link (before any blob row: the order pushes use)
        Map<String, Set<Long>> refs0 = referencingRepositories(refs(batch), Set.of());
        Set<String> projects = new TreeSet<>();
        for (Link link : links(batch)) {
            if (link.createdAt().isBefore(cutoff) && !refs0.getOrDefault(link.digest(), Set.of()).contains(link.repositoryId())) {
                projects.add(link.project());
            }
        }
        Map<String, QuotaLedger.Held> held = new HashMap<>();
        for (String project : projects) {
            held.put(project, quota.lock(project));
        }
        // 2. the blob rows, in digest order (the order manifest pushes lock them in); then re-read
        Map<String, Long> sizes = new LinkedHashMap<>();
        jdbc.sql("SELECT digest, size FROM blob WHERE digest IN (:digests) ORDER BY digest FOR UPDATE").param("digests", batch)
                .query(rs -> {
                    sizes.put(rs.getString(1), rs.getLong(2));
                });
        Map<String, List<Link>> links = byDigest(links(batch));
        Map<String, Set<Long>> refs = referencingRepositories(refs(batch), Set.of());
        List<GcRun.Item> items = new ArrayList<>();
        List<String> deletable = new ArrayList<>();
        for (String digest : batch) {
            tally.reviewedBlobs++;
            Long size = sizes.get(digest);
            if (size == null) {
                dropReview(digest, now);
                continue;
            }
            Set<Long> referencing = refs.getOrDefault(digest, Set.of());
            boolean keep = !referencing.isEmpty();
            Instant next = null;
            for (Link link : links.getOrDefault(digest, List.of())) {
                if (referencing.contains(link.repositoryId())) {
                    keep = true;
                } else if (!link.createdAt().isBefore(cutoff)) {
                    keep = true;
                    next = earlier(next, link.createdAt().plus(grace));
                } else if (!held.containsKey(link.project())) {
                    keep = true; // became removable after step 1: the next run takes it
                    next = earlier(next, now);
                } else if (jdbc.sql("DELETE FROM repository_blob WHERE repository_id = ? AND digest = ? AND created_at < ?")
                        .params(link.repositoryId(), digest, at(cutoff)).update() == 1) {
                    quota.blobUnlinked(held.get(link.project()), link.repositoryId(), digest, size);
                    review.repository(link.repositoryId(), now, "unlinked"); // it may be empty now: looked at in this run
                    tally.removedLinks++;
                    items.add(new GcRun.Item("link", link.repository(), digest, size,
                            "no manifest of the repository references it; linked " + link.createdAt()));
                } else {
                    keep = true; // confirmed meanwhile
                }
            }
            if (!keep) {
                deletable.add(digest);
            } else if (next != null) {
                jdbc.sql("UPDATE gc_blob_review SET review_after = ? WHERE digest = ?").params(at(next), digest).update();
            } else {
                dropReview(digest, now);
            }
        }
        if (!deletable.isEmpty()) {
            jdbc.sql("DELETE FROM blob WHERE digest IN (:digests)").param("digests", deletable).update();
            jdbc.sql("DELETE FROM gc_blob_review WHERE digest IN (:digests)").param("digests", deletable).update();
            try {
                // still under the row locks: an upload of the same bytes meanwhile waits, then finds them gone
                store.deleteAll(deletable.stream().map(Digest::parse).toList());
            } catch (IOException e) {
                throw new UncheckedIOException("could not delete blobs from the store (the batch is rolled back)", e);
            }
            for (String digest : deletable) {
                long size = sizes.get(digest);
                tally.deletedBlobs++;
                tally.freedBytes += size;
                items.add(new GcRun.Item("blob", null, digest, size, "no manifest references it and no repository links it"));
            }
        }
        return items;
    }

    /** One batch of a dry run: the same decisions, nothing changed. */
    private List<GcRun.Item> judgeBlobs(List<String> batch, Instant now, Set<Long> gone, Tally tally) {
        Instant cutoff = now.minus(grace);
        Map<String, Long> sizes = new HashMap<>();
        jdbc.sql("SELECT digest, size FROM blob WHERE digest IN (:digests)").param("digests", batch)
                .query(rs -> {
                    sizes.put(rs.getString(1), rs.getLong(2));
                });
        List<Ref> allRefs = refs(batch);
        Map<String, Set<Long>> refs = referencingRepositories(allRefs, gone);
        Map<String, Set<Long>> freedBy = new HashMap<>();
        allRefs.stream().filter(r -> gone.contains(r.manifestId()))
                .forEach(r -> freedBy.computeIfAbsent(r.digest(), d -> new HashSet<>()).add(r.repositoryId()));
        Map<String, List<Link>> links = byDigest(links(batch));
        List<GcRun.Item> items = new ArrayList<>();
        for (String digest : batch) {
            tally.reviewedBlobs++;
            Long size = sizes.get(digest);
            if (size == null) {
                continue;
            }
            Set<Long> referencing = refs.getOrDefault(digest, Set.of());
            boolean keep = !referencing.isEmpty();
            for (Link link : links.getOrDefault(digest, List.of())) {
                boolean freed = freedBy.getOrDefault(digest, Set.of()).contains(link.repositoryId());
                if (referencing.contains(link.repositoryId()) || (!freed && !link.createdAt().isBefore(cutoff))) {
                    keep = true;
                } else if (!freed) {
                    tally.removedLinks++;
                    items.add(new GcRun.Item("link", link.repository(), digest, size,
                            "no manifest of the repository references it; linked " + link.createdAt()));
                }
            }
            if (!keep) {
                tally.deletedBlobs++;
                tally.freedBytes += size;
                items.add(new GcRun.Item("blob", null, digest, size, freedBy.containsKey(digest)
                        ? "only untagged manifests that would be deleted reference it"
                        : "no manifest references it and no repository links it"));
            }
        }
        return items;
    }

    // ---- empty repositories -------------------------------------------------------------------

    /** A repository row as the collector sees it, with what still holds it. */
    private record RepositoryRow(long id, String name, String project, Instant createdAt, List<Long> manifests, int links,
                                 boolean uploads) {
    }

    /**
     * Removes repository rows with no manifest, no blob link and no open upload, created before
     * the grace: what an upload start, a refused push or a mount whose manifest never came left.
     * Each in one short transaction under its project's usage lock (which every push takes before
     * it creates or uses the row) and the row's lock ({@code FOR UPDATE}: {@code Repositories.ensure}
     * holds it shared until the upload session, link or manifest it adds commits), then decided
     * afresh. A dry run decides the same way, counting the manifests and links it would delete as
     * gone.
     */
    private void repositories(Options options, Job.Context context, Report report, Instant now, Set<Long> gone,
                              Map<String, Integer> unlinked) {
        Due<Long> after = new Due<>(0L, at(Instant.EPOCH));
        Set<Long> due = new TreeSet<>();
        while (true) {
            List<Due<Long>> page = duePage("gc_repository_review", "repository_id", Long.class, now, after);
            if (page.isEmpty()) {
                break;
            }
            after = page.getLast();
            page.forEach(d -> due.add(d.key()));
        }
        if (options.dryRun() && !unlinked.isEmpty()) {
            // a real run queues the repositories it removes links from for this very run
            for (List<String> chunk : chunks(new ArrayList<>(unlinked.keySet()))) {
                due.addAll(jdbc.sql("SELECT id FROM repository WHERE name IN (:names)").param("names", chunk).query(Long.class).list());
            }
        }
        Instant cutoff = now.minus(grace);
        List<GcRun.Item> items = new ArrayList<>();
        for (long id : due) {
            if (context.stopRequested()) {
                break;
            }
            Optional<GcRun.Item> item = options.dryRun()
                    ? readTx.execute(status -> repository(id).filter(r -> emptyIfCollected(r, gone, unlinked, cutoff)).map(this::item))
                    : tx.execute(status -> deleteIfEmpty(id, cutoff));
            item.ifPresent(items::add);
        }
        if (!items.isEmpty()) {
            report.items(items);
        }
        context.progress("repositories: " + due.size() + " reviewed, " + items.size()
                + (options.dryRun() ? " would be deleted" : " deleted"));
    }

    private boolean emptyIfCollected(RepositoryRow r, Set<Long> gone, Map<String, Integer> unlinked, Instant cutoff) {
        return !r.uploads() && r.createdAt().isBefore(cutoff) && gone.containsAll(r.manifests())
                && r.links() <= unlinked.getOrDefault(r.name(), 0);
    }

    private Optional<GcRun.Item> deleteIfEmpty(long id, Instant cutoff) {
        Optional<String> project = jdbc.sql("SELECT p.name FROM repository r JOIN project p ON p.id = r.project_id WHERE r.id = ?")
                .param(id).query(String.class).optional();
        if (project.isEmpty()) {
            return Optional.empty();
        }
        quota.lock(project.get());
        if (jdbc.sql("SELECT id FROM repository WHERE id = ? FOR UPDATE").param(id).query(Long.class).optional().isEmpty()) {
            return Optional.empty();
        }
        RepositoryRow r = repository(id).orElseThrow();
        if (!r.manifests().isEmpty()) {
            // it exists; deleting its last manifest queues it again
            jdbc.sql("DELETE FROM gc_repository_review WHERE repository_id = ?").param(id).update();
            return Optional.empty();
        }
        if (r.uploads() || r.links() > 0 || !r.createdAt().isBefore(cutoff)) {
            // an upload may still bring a manifest; its links go after their grace, open uploads expire
            Instant next = r.uploads() || r.links() > 0 || r.createdAt().isBefore(cutoff)
                    ? Instant.now().plus(grace) : r.createdAt().plus(grace);
            jdbc.sql("UPDATE gc_repository_review SET review_after = ? WHERE repository_id = ?").params(at(next), id).update();
            return Optional.empty();
        }
        jdbc.sql("DELETE FROM repository WHERE id = ?").param(id).update(); // its review row cascades
        return Optional.of(item(r));
    }

    private GcRun.Item item(RepositoryRow r) {
        return new GcRun.Item("repository", r.name(), "", 0,
                "no manifest, no blob link and no open upload since " + r.createdAt() + "; it was never listed");
    }

    private Optional<RepositoryRow> repository(long id) {
        return jdbc.sql("SELECT r.id, r.name, p.name, r.created_at,"
                        + " (SELECT count(*) FROM repository_blob l WHERE l.repository_id = r.id),"
                        + " CASE WHEN EXISTS (SELECT 1 FROM upload_session s WHERE s.repository_id = r.id) THEN 1 ELSE 0 END"
                        + " FROM repository r JOIN project p ON p.id = r.project_id WHERE r.id = ?")
                .param(id)
                .query((rs, n) -> new RepositoryRow(rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant(), null, rs.getInt(5), rs.getInt(6) == 1))
                .optional()
                .map(r -> new RepositoryRow(r.id(), r.name(), r.project(), r.createdAt(),
                        // enough to tell "none" and "only those a dry run deletes" from "more"
                        jdbc.sql("SELECT id FROM manifest WHERE repository_id = ? LIMIT 1000").param(id).query(Long.class).list(),
                        r.links(), r.uploads()));
    }

    private List<Link> links(List<String> digests) {
        return jdbc.sql("SELECT l.digest, l.repository_id, r.name, p.name, l.created_at FROM repository_blob l"
                        + " JOIN repository r ON r.id = l.repository_id JOIN project p ON p.id = r.project_id"
                        + " WHERE l.digest IN (:digests)")
                .param("digests", digests)
                .query((rs, n) -> new Link(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getObject(5, OffsetDateTime.class).toInstant())).list();
    }

    private List<Ref> refs(List<String> digests) {
        return jdbc.sql("SELECT x.digest, m.repository_id, m.id FROM manifest_reference x JOIN manifest m ON m.id = x.manifest_id"
                        + " WHERE x.kind = 'blob' AND x.digest IN (:digests)")
                .param("digests", digests)
                .query((rs, n) -> new Ref(rs.getString(1), rs.getLong(2), rs.getLong(3))).list();
    }

    /** Per digest, the repositories with a manifest (other than {@code gone}) referencing it. */
    private static Map<String, Set<Long>> referencingRepositories(List<Ref> refs, Set<Long> gone) {
        Map<String, Set<Long>> result = new HashMap<>();
        refs.stream().filter(r -> !gone.contains(r.manifestId()))
                .forEach(r -> result.computeIfAbsent(r.digest(), d -> new HashSet<>()).add(r.repositoryId()));
        return result;
    }

    private static Map<String, List<Link>> byDigest(List<Link> links) {
        Map<String, List<Link>> result = new TreeMap<>();
        links.forEach(link -> result.computeIfAbsent(link.digest(), d -> new ArrayList<>()).add(link));
        return result;
    }

    private void dropReview(String digest, Instant now) {
        jdbc.sql("DELETE FROM gc_blob_review WHERE digest = ? AND review_after <= ?").params(digest, at(now)).update();
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    private static <T> List<List<T>> chunks(List<T> all) {
        List<List<T>> result = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 500) {
            result.add(all.subList(i, Math.min(all.size(), i + 500)));
        }
        return result;
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
