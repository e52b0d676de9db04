package dev.registry.api.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.registry.api.RegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes an OCI image layout (image-spec "image-layout.md": {@code oci-layout}, {@code index.json},
 * {@code blobs/sha256/<hex>}) from Java: real gzip'd tar layers, image configs whose
 * {@code rootfs.diff_ids} match the uncompressed layers, image manifests, image indexes and
 * artifact manifests. Everything is deterministic: fixed timestamps and owners in the tars, no
 * time in the gzip header, seeded random bytes, JSON with a fixed key order.
 */
public final class ImageLayout {

    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
    static final String REF_NAME = "org.opencontainers.image.ref.name";

    static final ObjectMapper JSON = JsonMapper.builder().build();

    /** 2024-01-01T00:00:00Z: the mtime of every tar entry. */
    private static final long MTIME = 1_704_067_200L;

    /** A content descriptor (image-spec "descriptor.md"); {@code platform} only in an index. */
    public record Descriptor(String mediaType, String digest, long size, String os, String architecture, String artifactType) {

        Descriptor withPlatform(String os, String architecture) {
            return new Descriptor(mediaType, digest, size, os, architecture, artifactType);
        }

        Map<String, Object> json() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("mediaType", mediaType);
            map.put("digest", digest);
            map.put("size", size);
            if (artifactType != null) {
                map.put("artifactType", artifactType);
            }
            if (os != null) {
                Map<String, Object> platform = new LinkedHashMap<>();
                platform.put("architecture", architecture);
                platform.put("os", os);
                map.put("platform", platform);
            }
            return map;
        }
    }

    /** A layer blob and the digest of its uncompressed tar (the config's {@code diff_id}). */
    public record Layer(Descriptor descriptor, String diffId) {
    }

    /** An image manifest with its config and layers, as written. */
    public record Image(Descriptor manifest, Descriptor config, List<Layer> layers) {

        /** The manifest, the config and every layer: what a full copy must transfer. */
        List<String> digests() {
            List<String> digests = new ArrayList<>();
            digests.add(manifest.digest());
            digests.add(config.digest());
            layers.forEach(layer -> digests.add(layer.descriptor().digest()));
            return digests;
        }
    }

    private final Path dir;
    /** Every blob by digest, in the order written (children before the manifests naming them). */
    private final Map<String, byte[]> blobs = new LinkedHashMap<>();
    private final Map<String, String> blobMediaTypes = new LinkedHashMap<>();
    private final Map<String, Descriptor> refs = new LinkedHashMap<>();

    private ImageLayout(Path dir) {
        this.dir = dir;
    }

    public static ImageLayout create(Path dir) {
        try {
            Files.createDirectories(dir.resolve("blobs/sha256"));
            Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ImageLayout layout = new ImageLayout(dir);
        layout.writeIndexJson();
        return layout;
    }

    Path dir() {
        return dir;
    }

    /** The skopeo/containers-image reference of a tag in this layout. */
    String reference(String tag) {
        return "oci:" + dir + ":" + tag;
    }

    Descriptor blob(String mediaType, byte[] content) {
        String digest = RegistryClient.digest(content);
        try {
            Files.write(dir.resolve("blobs/sha256").resolve(digest.substring("sha256:".length())), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        blobs.put(digest, content);
        blobMediaTypes.put(digest, mediaType);
        return new Descriptor(mediaType, digest, content.length, null, null, null);
    }

    /** A gzip'd tar layer of the given files (path → content), with their parent directories. */
    public Layer layer(SortedMap<String, byte[]> files) {
        byte[] tar = tar(files);
        return new Layer(blob(OCI_LAYER, gzip(tar)), RegistryClient.digest(tar));
    }

    /** An image config and manifest for one platform; the returned manifest carries the platform. */
    public Image image(String os, String architecture, String label, List<Layer> layers) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("created", "2024-01-01T00:00:00Z");
        config.put("architecture", architecture);
        config.put("os", os);
        config.put("config", Map.of("Env", List.of("PATH=/usr/bin:/bin"), "Cmd", List.of("/bin/app"),
                "Labels", Map.of("dev.registry.test", label)));
        config.put("rootfs", Map.of("type", "layers", "diff_ids", layers.stream().map(Layer::diffId).toList()));
        config.put("history", layers.stream().map(l -> Map.of("created", "2024-01-01T00:00:00Z",
                "created_by", "ImageLayout " + label)).toList());
        Descriptor configDescriptor = blob(OCI_CONFIG, JSON.writeValueAsBytes(config));

        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", OCI_MANIFEST);
        manifest.put("config", configDescriptor.json());
        manifest.put("layers", layers.stream().map(l -> l.descriptor().json()).toList());
        Descriptor manifestDescriptor = blob(OCI_MANIFEST, JSON.writeValueAsBytes(manifest)).withPlatform(os, architecture);
        return new Image(manifestDescriptor, configDescriptor, List.copyOf(layers));
    }

    /** An image index over manifests that carry their platform. */
    Descriptor index(List<Descriptor> manifests) {
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", OCI_INDEX);
        index.put("manifests", manifests.stream().map(Descriptor::json).toList());
        return blob(OCI_INDEX, JSON.writeValueAsBytes(index));
    }

    /**
     * An artifact manifest (image-spec "manifest.md", guidance for artifacts): {@code artifactType},
     * the empty config {@code {}} of type {@code application/vnd.oci.empty.v1+json}, one payload
     * layer, and a {@code subject}.
     */
    Descriptor artifact(String artifactType, Descriptor subject, String payloadMediaType, byte[] payload) {
        Descriptor empty = blob(OCI_EMPTY, "{}".getBytes(StandardCharsets.UTF_8));
        Descriptor layer = blob(payloadMediaType, payload);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", OCI_MANIFEST);
        manifest.put("artifactType", artifactType);
        manifest.put("config", empty.json());
        manifest.put("layers", List.of(layer.json()));
        manifest.put("subject", new Descriptor(subject.mediaType(), subject.digest(), subject.size(), null, null, null).json());
        manifest.put("annotations", Map.of("org.opencontainers.image.created", "2024-01-01T00:00:00Z"));
        Descriptor written = blob(OCI_MANIFEST, JSON.writeValueAsBytes(manifest));
        return new Descriptor(written.mediaType(), written.digest(), written.size(), null, null, artifactType);
    }

    /** Names {@code descriptor} {@code tag} in {@code index.json}. */
    public void tag(String tag, Descriptor descriptor) {
        refs.put(tag, descriptor);
        writeIndexJson();
    }

    /** Every blob digest in this layout (manifests included). */
    TreeSet<String> digests() {
        return new TreeSet<>(blobs.keySet());
    }

    byte[] content(String digest) {
        return blobs.get(digest);
    }

    /**
     * Pushes every blob of the layout over plain HTTP (monolithic {@code POST ?digest=}), then
     * every manifest by digest (children before parents), then the tags.
     */
    void pushOverHttp(RegistryClient client, String repository) {
        blobs.forEach((digest, content) -> {
            if (!isManifest(blobMediaTypes.get(digest))) {
                client.pushBlob(repository, content);
            }
        });
        blobs.forEach((digest, content) -> {
            String mediaType = blobMediaTypes.get(digest);
            if (isManifest(mediaType)) {
                HttpResponse<String> r = client.pushManifest(repository, digest, mediaType, new String(content, StandardCharsets.UTF_8));
                assertEquals(201, r.statusCode(), () -> "manifest push " + digest + ": " + r.body());
            }
        });
        refs.forEach((tag, descriptor) -> {
            HttpResponse<String> r = client.pushManifest(repository, tag, descriptor.mediaType(),
                    new String(blobs.get(descriptor.digest()), StandardCharsets.UTF_8));
            assertEquals(201, r.statusCode(), () -> "tag push " + tag + ": " + r.body());
        });
    }

    /**
     * Asserts the registry serves every blob and manifest of this layout from {@code repository}
     * byte for byte: manifests by digest with their media type and {@code Docker-Content-Digest}
     * (distribution spec "Pulling manifests"), blobs by digest ("Pulling blobs").
     */
    void assertServedBy(RegistryClient client, String repository) {
        blobs.forEach((digest, content) -> {
            String mediaType = blobMediaTypes.get(digest);
            if (isManifest(mediaType)) {
                HttpResponse<byte[]> r = client.sendForBytes("GET", "/v2/" + repository + "/manifests/" + digest,
                        Map.of("Accept", mediaType));
                assertEquals(200, r.statusCode(), () -> "GET manifest " + digest + " from " + repository);
                assertEquals(mediaType, r.headers().firstValue("Content-Type").orElse(null), "manifest Content-Type");
                assertEquals(digest, r.headers().firstValue("Docker-Content-Digest").orElse(null), "Docker-Content-Digest");
                org.junit.jupiter.api.Assertions.assertArrayEquals(content, r.body(), () -> "manifest bytes of " + digest);
            } else {
                HttpResponse<byte[]> r = client.sendForBytes("GET", "/v2/" + repository + "/blobs/" + digest, Map.of());
                assertEquals(200, r.statusCode(), () -> "GET blob " + digest + " from " + repository);
                assertEquals(digest, RegistryClient.digest(r.body()), () -> "bytes of blob " + digest);
            }
        });
    }

    private static boolean isManifest(String mediaType) {
        return OCI_MANIFEST.equals(mediaType) || OCI_INDEX.equals(mediaType);
    }

    private void writeIndexJson() {
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", OCI_INDEX);
        index.put("manifests", refs.entrySet().stream().map(e -> {
            Map<String, Object> json = new LinkedHashMap<>(e.getValue().json());
            json.remove("platform");
            json.put("annotations", Map.of(REF_NAME, e.getKey()));
            return json;
        }).toList());
        try {
            Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- reading any layout (for what skopeo wrote) ---

    /** The {@code org.opencontainers.image.ref.name} → manifest descriptor JSON of a layout's {@code index.json}. */
    static Map<String, JsonNode> refs(Path layout) {
        Map<String, JsonNode> refs = new TreeMap<>();
        for (JsonNode entry : JSON.readTree(layout.resolve("index.json").toFile()).path("manifests")) {
            refs.put(entry.path("annotations").path(REF_NAME).asString(), entry);
        }
        return refs;
    }

    /**
     * The digests of every blob file in a layout, each checked against its own content (a file
     * whose bytes do not hash to its name fails the test).
     */
    static TreeSet<String> verifiedDigests(Path layout) {
        TreeSet<String> digests = new TreeSet<>();
        try (Stream<Path> files = Files.list(layout.resolve("blobs/sha256"))) {
            for (Path file : files.toList()) {
                String named = "sha256:" + file.getFileName();
                assertEquals(named, RegistryClient.digest(Files.readAllBytes(file)), "blob file content does not match its name");
                digests.add(named);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return digests;
    }

    // --- content helpers ---

    /** {@code length} bytes from a seeded generator: the same every run, and incompressible. */
    static byte[] randomBytes(long seed, int length) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    public static SortedMap<String, byte[]> files(Object... pathsAndContents) {
        SortedMap<String, byte[]> files = new TreeMap<>();
        for (int i = 0; i < pathsAndContents.length; i += 2) {
            Object content = pathsAndContents[i + 1];
            files.put((String) pathsAndContents[i], content instanceof byte[] b ? b
                    : content.toString().getBytes(StandardCharsets.UTF_8));
        }
        return files;
    }

    static byte[] gunzip(byte[] data) {
        try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(data))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The regular files of a tar (ustar or GNU; name → content), names without a leading
     * {@code ./} or {@code /}. Enough to read what a client wrote; no long-name extensions.
     */
    static SortedMap<String, byte[]> untar(byte[] tar) {
        SortedMap<String, byte[]> files = new TreeMap<>();
        int offset = 0;
        while (offset + 512 <= tar.length) {
            byte[] header = java.util.Arrays.copyOfRange(tar, offset, offset + 512);
            if (java.util.Arrays.equals(header, new byte[512])) {
                break;
            }
            String name = field(header, 0, 100);
            String prefix = field(header, 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
            long size = Long.parseLong(field(header, 124, 12).trim(), 8);
            char type = (char) header[156];
            offset += 512;
            if (type == '0' || type == 0) {
                files.put(name.replaceFirst("^\\./", "").replaceFirst("^/", ""),
                        java.util.Arrays.copyOfRange(tar, offset, offset + (int) size));
            }
            offset += (int) ((size + 511) / 512 * 512);
        }
        return files;
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // java.util.zip writes a fixed header (mtime 0, no file name), so equal input gives equal output
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A POSIX ustar archive of the files and their parent directories, sorted, root-owned. */
    static byte[] tar(SortedMap<String, byte[]> files) {
        SortedMap<String, byte[]> entries = new TreeMap<>();
        files.forEach((path, content) -> {
            String[] parts = path.split("/");
            StringBuilder parent = new StringBuilder();
            for (int i = 0; i < parts.length - 1; i++) {
                parent.append(parts[i]).append('/');
                entries.putIfAbsent(parent.toString(), null);
            }
            entries.put(path, content);
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        entries.forEach((name, content) -> {
            boolean directory = content == null;
            out.writeBytes(header(name, directory ? 0 : content.length, directory));
            if (!directory) {
                out.writeBytes(content);
                out.writeBytes(new byte[(int) ((512 - content.length % 512) % 512)]);
            }
        });
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static byte[] header(String name, long size, boolean directory) {
        byte[] h = new byte[512];
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > 100) {
            throw new IllegalArgumentException("tar entry name longer than 100 bytes: " + name);
        }
        System.arraycopy(nameBytes, 0, h, 0, nameBytes.length);
        octal(h, 100, 8, directory ? 0755 : 0644);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, MTIME);
        h[156] = (byte) (directory ? '5' : '0');
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
        h[263] = '0';
        h[264] = '0';
        System.arraycopy("root".getBytes(StandardCharsets.US_ASCII), 0, h, 265, 4);
        System.arraycopy("root".getBytes(StandardCharsets.US_ASCII), 0, h, 297, 4);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        byte[] checksum = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(checksum, 0, h, 148, 6);
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    /** A zero-padded octal number of {@code length - 1} digits and a NUL. */
    private static void octal(byte[] h, int offset, int length, long value) {
        String digits = Long.toOctalString(value);
        String padded = "0".repeat(length - 1 - digits.length()) + digits;
        System.arraycopy(padded.getBytes(StandardCharsets.US_ASCII), 0, h, offset, length - 1);
        h[offset + length - 1] = 0;
    }
}
