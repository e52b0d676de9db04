package dev.registry.core;

import dev.registry.core.artifact.ArtifactService;
import dev.registry.core.artifact.BlobService;
import dev.registry.core.artifact.MediaTypes;
import dev.registry.core.artifact.PushedManifest;
import dev.registry.core.artifact.Reference;
import dev.registry.core.artifact.RepositoryName;
import dev.registry.core.project.ProjectService;
import dev.registry.core.upload.UploadService;
import dev.registry.core.upload.UploadStatus;
import dev.registry.storage.BlobInfo;
import dev.registry.storage.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The base of every scenario class: registry-core's real services over the database a concrete
 * subclass picks ({@link OnH2} or {@link OnPostgres}), plus helpers to make content and to count
 * rows. Contexts (and so databases) are shared between classes, so each test works in repositories
 * of its own ({@link #newRepository}).
 */
@SpringBootTest(classes = CoreTestApplication.class)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
abstract class DatabaseScenarios {

    static final String CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json";
    static final String LAYER_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";

    @Autowired
    protected ArtifactService artifacts;
    @Autowired
    protected BlobService blobs;
    @Autowired
    protected UploadService uploads;
    @Autowired
    protected JdbcTemplate jdbc;
    @Autowired
    protected ProjectService projects;

    /**
     * Every repository's row of {@code repository_figures} (kept by QuotaLedger with each change) equals what its manifests
     * and blob links add up to: the repository lists read these figures instead of counting.
     */
    @org.junit.jupiter.api.AfterEach
    protected void assertRepositoryFiguresExact() {
        List<String> wrong = jdbc.queryForList("SELECT r.name FROM repository r LEFT JOIN repository_figures f ON f.repository_id = r.id"
                + " WHERE f.repository_id IS NULL"
                + " OR f.manifests <> (SELECT count(*) FROM manifest m WHERE m.repository_id = r.id)"
                + " OR f.manifest_bytes <> (SELECT COALESCE(sum(m.size), 0) FROM manifest m WHERE m.repository_id = r.id)"
                + " OR f.blob_bytes <> (SELECT COALESCE(sum(b.size), 0) FROM repository_blob l JOIN blob b ON b.digest = l.digest"
                + " WHERE l.repository_id = r.id)", String.class);
        org.assertj.core.api.Assertions.assertThat(wrong).as("repositories whose figures differ from their contents").isEmpty();
    }

    /** A repository name no other test uses, e.g. {@code tags-3f2a9c01}. */
    protected static RepositoryName newRepository(String purpose) {
        return new RepositoryName(purpose + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
    }

    /** Some bytes and their digest. */
    protected record Blob(byte[] bytes, Digest digest) {
        long size() {
            return bytes.length;
        }

        String descriptor(String mediaType) {
            return "{\"mediaType\": \"" + mediaType + "\", \"digest\": \"" + digest + "\", \"size\": " + bytes.length + "}";
        }
    }

    protected static Blob blob(String text) {
        return blob(text.getBytes(StandardCharsets.UTF_8));
    }

    protected static Blob blob(byte[] bytes) {
        return new Blob(bytes, Digest.sha256(bytes));
    }

    protected static Blob randomBlob(int size) {
        byte[] bytes = new byte[size];
        ThreadLocalRandom.current().nextBytes(bytes);
        return blob(bytes);
    }

    /** Uploads the blob in one request and links it into the repository. */
    protected BlobInfo pushBlob(RepositoryName name, Blob blob) throws IOException {
        return uploads.uploadMonolithic(name, blob.digest(), new ByteArrayInputStream(blob.bytes()), blob.size());
    }

    /** Uploads the blob through a session in chunks of {@code chunkSize} bytes (the last one with the digest). */
    protected BlobInfo pushBlobInChunks(RepositoryName name, Blob blob, int chunkSize) throws IOException {
        UploadStatus session = uploads.start(name, "tester");
        int offset = 0;
        while (blob.size() - offset > chunkSize) {
            session = uploads.append(name, session.id(), (long) offset, chunkSize,
                    new ByteArrayInputStream(blob.bytes(), offset, chunkSize));
            offset += chunkSize;
        }
        byte[] last = Arrays.copyOfRange(blob.bytes(), offset, blob.bytes().length);
        return uploads.complete(name, session.id(), blob.digest(), new ByteArrayInputStream(last), last.length);
    }

    protected byte[] readBlob(Digest digest, long offset) throws IOException {
        try (var in = blobs.open(digest, offset)) {
            return in.readAllBytes();
        }
    }

    protected PushedManifest pushManifest(RepositoryName name, String reference, byte[] manifest) {
        return artifacts.putManifest(name, Reference.parse(reference), manifest, MediaTypes.OCI_MANIFEST);
    }

    /** Pushes an OCI image index listing {@code children} under {@code tag}. */
    protected Digest pushIndex(RepositoryName repo, String tag, Digest... children) {
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[");
        for (int i = 0; i < children.length; i++) {
            // an entry's size is the child's exact byte count (image spec "Descriptors"; checked at push)
            long size = artifacts.getManifest(repo, Reference.parse(children[i].toString())).content().length;
            json.append(i == 0 ? "" : ",").append("{\"mediaType\":\"").append(MediaTypes.OCI_MANIFEST)
                    .append("\",\"digest\":\"").append(children[i]).append("\",\"size\":").append(size).append('}');
        }
        byte[] bytes = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        return artifacts.putManifest(repo, Reference.parse(tag), bytes, MediaTypes.OCI_INDEX).digest();
    }

    /** cosign's attachment tag for {@code subject}: {@code sha256-<hex>.<suffix>} (cosign's tag schema). */
    protected static String cosignTag(Digest subject, String suffix) {
        return "sha256-" + subject.hex() + "." + suffix;
    }

    /** Signs {@code subject} as cosign does in both modes: a referrer and a {@code sha256-<hex>.sig} tag; answers both digests. */
    protected Digest[] sign(RepositoryName repo, Digest subject) throws IOException {
        int subjectSize = artifacts.getManifest(repo, Reference.parse(subject.toString())).content().length;
        Blob payload = blob("{\"critical\":{\"image\":{\"docker-manifest-digest\":\"" + subject + "\"}}}");
        pushBlob(repo, payload);
        Blob referrerConfig = blob("{\"referrer-of\":\"" + subject + "\"}");
        pushBlob(repo, referrerConfig);
        byte[] referrer = image(referrerConfig).layer(payload)
                .artifactType("application/vnd.dev.cosign.artifact.sig.v1+json").subject(subject, subjectSize).bytes();
        pushManifest(repo, Digest.sha256(referrer).toString(), referrer);
        Blob tagConfig = blob("{\"tag-of\":\"" + subject + "\"}");
        pushBlob(repo, tagConfig);
        Digest tagged = pushManifest(repo, cosignTag(subject, "sig"), image(tagConfig).layer(payload).bytes()).digest();
        return new Digest[] {Digest.sha256(referrer), tagged};
    }

    /**
     * An OCI image manifest, written with deliberately uneven layout so that a byte-exact read back
     * cannot be the result of re-serializing parsed JSON.
     */
    protected static ManifestBuilder image(Blob config) {
        return new ManifestBuilder(config);
    }

    protected static final class ManifestBuilder {
        private final Blob config;
        private final List<Blob> layers = new ArrayList<>();
        private final Map<String, String> annotations = new LinkedHashMap<>();
        private String artifactType;
        private String subject;

        private ManifestBuilder(Blob config) {
            this.config = config;
        }

        ManifestBuilder layer(Blob layer) {
            layers.add(layer);
            return this;
        }

        ManifestBuilder annotation(String key, String value) {
            annotations.put(key, value);
            return this;
        }

        ManifestBuilder artifactType(String type) {
            this.artifactType = type;
            return this;
        }

        ManifestBuilder subject(Digest digest, long size) {
            this.subject = "{\"mediaType\": \"" + MediaTypes.OCI_MANIFEST + "\", \"digest\": \"" + digest
                    + "\", \"size\": " + size + "}";
            return this;
        }

        byte[] bytes() {
            StringBuilder json = new StringBuilder("{\n   \"schemaVersion\" : 2,\n\t\"mediaType\": \"")
                    .append(MediaTypes.OCI_MANIFEST).append("\",\n");
            if (artifactType != null) {
                json.append("  \"artifactType\": \"").append(artifactType).append("\",\n");
            }
            json.append("  \"config\": ").append(config.descriptor(CONFIG_MEDIA_TYPE)).append(",\n  \"layers\": [");
            for (int i = 0; i < layers.size(); i++) {
                json.append(i == 0 ? "\n    " : ",\n    ").append(layers.get(i).descriptor(LAYER_MEDIA_TYPE));
            }
            json.append("  ]");
            if (subject != null) {
                json.append(",\n  \"subject\": ").append(subject);
            }
            if (!annotations.isEmpty()) {
                json.append(",\n  \"annotations\": {");
                String separator = "";
                for (Map.Entry<String, String> a : annotations.entrySet()) {
                    json.append(separator).append('"').append(a.getKey()).append("\": \"").append(a.getValue()).append('"');
                    separator = ", ";
                }
                json.append('}');
            }
            return json.append("\n}  \n").toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    // ---- what the database holds, counted without the services under test ----

    protected int repositoryRows(RepositoryName name) {
        return count("SELECT count(*) FROM repository WHERE name = ?", name.value());
    }

    protected int manifestRows(RepositoryName name) {
        return count("SELECT count(*) FROM manifest m JOIN repository r ON r.id = m.repository_id WHERE r.name = ?",
                name.value());
    }

    protected int manifestRows(RepositoryName name, Digest digest) {
        return count("SELECT count(*) FROM manifest m JOIN repository r ON r.id = m.repository_id"
                + " WHERE r.name = ? AND m.digest = ?", name.value(), digest.toString());
    }

    protected int tagRows(RepositoryName name) {
        return count("SELECT count(*) FROM tag t JOIN repository r ON r.id = t.repository_id WHERE r.name = ?",
                name.value());
    }

    protected int tagRows(RepositoryName name, String tag) {
        return count("SELECT count(*) FROM tag t JOIN repository r ON r.id = t.repository_id"
                + " WHERE r.name = ? AND t.name = ?", name.value(), tag);
    }

    protected int referenceRows(RepositoryName name, Digest manifest) {
        return count("SELECT count(*) FROM manifest_reference x JOIN manifest m ON m.id = x.manifest_id"
                + " JOIN repository r ON r.id = m.repository_id WHERE r.name = ? AND m.digest = ?",
                name.value(), manifest.toString());
    }

    protected int blobRows(Digest digest) {
        return count("SELECT count(*) FROM blob WHERE digest = ?", digest.toString());
    }

    protected int linkRows(RepositoryName name, Digest digest) {
        return count("SELECT count(*) FROM repository_blob l JOIN repository r ON r.id = l.repository_id"
                + " WHERE r.name = ? AND l.digest = ?", name.value(), digest.toString());
    }

    protected int uploadSessionRows(String id) {
        return count("SELECT count(*) FROM upload_session WHERE id = ?", id);
    }

    protected boolean onPostgres() {
        return Boolean.TRUE.equals(jdbc.execute((ConnectionCallback<Boolean>) c ->
                c.getMetaData().getDatabaseProductName().equals("PostgreSQL")));
    }

    private int count(String sql, Object... args) {
        Integer n = jdbc.queryForObject(sql, Integer.class, args);
        return n == null ? 0 : n;
    }
}
