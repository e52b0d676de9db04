package dev.registry.core.artifact.internal;

import dev.registry.core.artifact.ArtifactReference;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fields the management API shows that are read from a stored manifest's bytes rather than from
 * columns: an index's entries with their platforms, and an image's config media type. The bytes
 * were validated at push ({@link ManifestParser}); anything missing or odd yields null or an
 * empty list, never an error, so a listing cannot fail on one manifest.
 */
public final class ManifestFields {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private ManifestFields() {
    }

    /** An index's {@code manifests[]} in order, with their platforms; sizes are left to the caller (null). */
    public static List<ArtifactReference> references(byte[] index) {
        JsonNode manifests = read(index).path("manifests");
        List<ArtifactReference> references = new ArrayList<>();
        for (JsonNode entry : manifests) {
            JsonNode platform = entry.path("platform");
            references.add(new ArtifactReference(text(entry, "digest"), text(entry, "mediaType"), null, platform.isObject()
                    ? new ArtifactReference.Platform(text(platform, "os"), text(platform, "architecture"), text(platform, "variant"),
                    text(platform, "os.version"))
                    : null));
        }
        return references;
    }

    /** An image manifest's {@code config.mediaType}, or null. */
    public static String configMediaType(byte[] manifest) {
        return manifest == null ? null : text(read(manifest).path("config"), "mediaType");
    }

    private static JsonNode read(byte[] content) {
        try {
            JsonNode root = JSON.readTree(content);
            return root == null ? JSON.missingNode() : root;
        } catch (JacksonException e) {
            return JSON.missingNode();
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isString() ? value.asString() : null;
    }
}
