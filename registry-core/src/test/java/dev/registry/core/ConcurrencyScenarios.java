package dev.registry.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.core.artifact.PushedManifest;
import dev.registry.core.artifact.Reference;
import dev.registry.core.artifact.RepositoryName;
import dev.registry.storage.BlobInfo;
import dev.registry.storage.Digest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Writes racing each other: the cases where H2 (table-level conflict detection, its own locking)
 * and PostgreSQL (row locks, {@code ON CONFLICT} waiting for the other transaction) behave
 * differently. Each race starts all threads at one gate and is run for several rounds.
 */
abstract class ConcurrencyScenarios extends DatabaseScenarios {

    static final int THREADS = 8;
    static final int ROUNDS = 6;

    @Test
    void eight_pushes_of_different_manifests_to_one_tag_leave_the_tag_on_exactly_one_of_them() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            // given a repository holding the blobs, where every other round the tag exists already
            RepositoryName repo = newRepository("same-tag");
            Blob config = blob("{\"race\": \"same tag\"}");
            pushBlob(repo, config);
            boolean tagExisted = round % 2 == 1;
            if (tagExisted) {
                pushManifest(repo, "latest", image(config).annotation("thread", "earlier").bytes());
            }
            // and eight different manifests
            List<byte[]> manifests = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                manifests.add(image(config).annotation("thread", Integer.toString(i)).bytes());
            }

            // when eight threads push them as "latest" at the same moment
            List<Outcome<PushedManifest>> outcomes = atOnce(THREADS, i -> () -> pushManifest(repo, "latest", manifests.get(i)));

            // then each push succeeded or was refused cleanly
            assertAllSucceededOrRefusedCleanly(outcomes);
            Set<Digest> stored = outcomes.stream().filter(Outcome::succeeded).map(o -> o.value().digest())
                    .collect(Collectors.toSet());
            assertThat(stored).as("round %d: successful pushes", round).isNotEmpty();
            // and there is exactly one tag row, on one of the manifests that were stored
            assertThat(tagRows(repo, "latest")).as("round %d: tag rows", round).isEqualTo(1);
            Digest latest = artifacts.getManifest(repo, Reference.parse("latest")).digest();
            assertThat(stored).as("round %d: the tag's manifest", round).contains(latest);
            // and every successful push reads back exactly by its digest; refused ones left nothing
            for (Outcome<PushedManifest> o : outcomes) {
                if (o.succeeded()) {
                    assertThat(artifacts.getManifest(repo, Reference.parse(o.value().digest().toString())).content())
                            .isEqualTo(manifests.get(o.thread()));
                }
            }
            assertThat(manifestRows(repo)).isEqualTo(stored.size() + (tagExisted ? 1 : 0));
        }
    }

    @Test
    void eight_uploads_of_the_same_blob_into_a_new_repository_record_one_blob_and_one_link() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            // given a repository that does not exist yet, and one blob
            RepositoryName repo = newRepository("same-blob");
            Blob blob = randomBlob(20_000);

            // when eight threads upload it into the repository at the same moment
            List<Outcome<BlobInfo>> outcomes = atOnce(THREADS, i -> () -> pushBlob(repo, blob));

            // then every upload succeeded (each one is a valid upload of the same bytes)
            assertThat(outcomes).as("round %d", round).allSatisfy(o -> assertThat(o.failure())
                    .as("failure of thread %d:%n%s", o.thread(), o.stackTrace()).isNull());
            assertThat(outcomes).extracting(Outcome::value).containsOnly(new BlobInfo(blob.digest(), blob.size()));
            // and there is one repository, one blob row and one link, and the bytes are intact
            assertThat(repositoryRows(repo)).isEqualTo(1);
            assertThat(blobRows(blob.digest())).isEqualTo(1);
            assertThat(linkRows(repo, blob.digest())).isEqualTo(1);
            assertThat(readBlob(blob.digest(), 0)).isEqualTo(blob.bytes());
        }
    }

    @Test
    void eight_links_of_an_existing_blob_into_one_repository_record_one_link() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            // given a blob stored and linked in one repository, and a second repository holding something else
            RepositoryName source = newRepository("link-source");
            RepositoryName target = newRepository("link-target");
            Blob blob = randomBlob(5_000);
            BlobInfo info = pushBlob(source, blob);
            pushBlob(target, randomBlob(10));

            // when eight threads link the blob into the target at the same moment
            List<Outcome<Object>> outcomes = atOnce(THREADS, i -> () -> {
                blobs.link(target, info);
                return null;
            });

            // then every link succeeded and there is exactly one link row
            assertThat(outcomes).as("round %d", round).allSatisfy(o -> assertThat(o.failure())
                    .as("failure of thread %d:%n%s", o.thread(), o.stackTrace()).isNull());
            assertThat(linkRows(target, blob.digest())).isEqualTo(1);
            assertThat(blobRows(blob.digest())).isEqualTo(1);
            assertThat(blobs.linkedSize(target, blob.digest())).contains(blob.size());
        }
    }

    @Test
    void eight_pushes_of_the_same_manifest_store_it_once_under_one_tag() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            // given a repository holding the blobs, and one manifest
            RepositoryName repo = newRepository("same-manifest");
            Blob config = blob("{\"race\": \"same manifest\"}");
            Blob layer = randomBlob(1_000);
            pushBlob(repo, config);
            pushBlob(repo, layer);
            byte[] manifest = image(config).layer(layer).bytes();
            Digest digest = Digest.sha256(manifest);

            // when eight threads push it as "v1" at the same moment
            List<Outcome<PushedManifest>> outcomes = atOnce(THREADS, i -> () -> pushManifest(repo, "v1", manifest));

            // then every push succeeded (they all store the same thing)
            assertThat(outcomes).as("round %d", round).allSatisfy(o -> assertThat(o.failure())
                    .as("failure of thread %d:%n%s", o.thread(), o.stackTrace()).isNull());
            assertThat(outcomes).extracting(o -> o.value().digest()).containsOnly(digest);
            // and the manifest, its references and the tag are stored once
            assertThat(manifestRows(repo)).isEqualTo(1);
            assertThat(referenceRows(repo, digest)).isEqualTo(2);
            assertThat(tagRows(repo)).isEqualTo(1);
            assertThat(artifacts.getManifest(repo, Reference.parse("v1")).content()).isEqualTo(manifest);
        }
    }

    /** What one thread of a race did: a value or a failure. */
    record Outcome<T>(int thread, T value, Throwable failure) {
        boolean succeeded() {
            return failure == null;
        }

        String stackTrace() {
            if (failure == null) {
                return "";
            }
            StringWriter out = new StringWriter();
            failure.printStackTrace(new PrintWriter(out));
            return out.toString();
        }
    }

    /** Runs {@code n} tasks on {@code n} threads, released together once all of them are ready. */
    static <T> List<Outcome<T>> atOnce(int n, IntFunction<Callable<T>> task) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch ready = new CountDownLatch(n);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Outcome<T>>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int thread = i;
                Callable<T> work = task.apply(i);
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    start.await();
                    try {
                        return new Outcome<>(thread, work.call(), null);
                    } catch (Throwable e) {
                        return new Outcome<>(thread, null, e);
                    }
                }));
            }
            assertThat(ready.await(30, TimeUnit.SECONDS)).as("all threads at the start gate").isTrue();
            start.countDown();
            List<Outcome<T>> outcomes = new ArrayList<>();
            for (Future<Outcome<T>> f : futures) {
                try {
                    outcomes.add(f.get(60, TimeUnit.SECONDS));
                } catch (Exception e) {
                    throw new AssertionError("a racing thread did not finish", e);
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    static void assertAllSucceededOrRefusedCleanly(List<? extends Outcome<?>> outcomes) {
        assertThat(outcomes).allSatisfy(o -> assertThat(o.failure() == null || o.failure() instanceof RegistryException)
                .as("thread %d failed with something other than a RegistryException:%n%s", o.thread(), o.stackTrace())
                .isTrue());
    }
}
