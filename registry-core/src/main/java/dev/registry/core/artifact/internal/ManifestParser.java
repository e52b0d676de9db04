package dev.registry.core.artifact.internal;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.artifact.Descriptor;
import dev.registry.core.artifact.MediaTypes;
import dev.registry.core.artifact.ParsedManifest;
import dev.registry.storage.Digest;
import dev.registry.storage.InvalidDigestException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parses and validates a pushed manifest (OCI image spec "Image Manifest" and "Image Index",
 * Docker Image Manifest V2 Schema 2 and manifest list). Every refusal is {@code MANIFEST_INVALID}
 * with a message that says what is wrong.
 */
@Component
public class ManifestParser {

    private final ObjectMapper json = JsonMapper.builder().build();

    /**
     * @param content     the exact bytes
     * @param contentType the request's Content-Type without parameters, or null
     */
    public ParsedManifest parse(byte[] content, String contentType) {
        if (contentType != null && MediaTypes.isSchema1(contentType)) {
            throw invalid("Docker schema 1 manifests are not supported; push a Docker schema 2 or OCI manifest");
        }
        JsonNode root;
        try {
            root = json.readTree(content);
        } catch (JacksonException e) {
            throw invalid(notJson(e));
        }
        if (root == null || !root.isObject()) {
            throw invalid("manifest must be a JSON object");
        }
        JsonNode schemaVersion = root.get("schemaVersion");
        // Jackson 3's asInt() throws for a number outside the int range: compare only what fits
        if (schemaVersion != null && schemaVersion.isNumber() && schemaVersion.canConvertToInt() && schemaVersion.asInt() == 1) {
            throw invalid("Docker schema 1 manifests are not supported; push a Docker schema 2 or OCI manifest");
        }
        if (schemaVersion == null || !schemaVersion.isIntegralNumber() || !schemaVersion.canConvertToInt()
                || schemaVersion.asInt() != 2) {
            throw invalid("manifest schemaVersion must be 2");
        }
        String mediaType = mediaTypeOf(root, contentType);
        boolean index = MediaTypes.INDEXES.contains(mediaType);
        List<Descriptor> blobs = new ArrayList<>();
        List<Descriptor> children = new ArrayList<>();
        String artifactType = optionalText(root, "artifactType");
        if (index) {
            if (root.has("config") || root.has("layers")) {
                throw invalid("manifest has config/layers but its media type is the index type " + mediaType);
            }
            for (JsonNode child : array(root, "manifests")) {
                Descriptor d = descriptor(child, "manifests[]");
                if (!MediaTypes.isManifest(d.mediaType())) {
                    throw invalid("index entry " + d.digest() + " has media type " + d.mediaType() + ", which is not a manifest");
                }
                children.add(d);
            }
        } else {
            if (root.has("manifests")) {
                throw invalid("manifest has a manifests list but its media type is the image manifest type " + mediaType);
            }
            JsonNode config = root.get("config");
            if (config == null || !config.isObject()) {
                throw invalid("image manifest must have a config descriptor");
            }
            Descriptor configDescriptor = descriptor(config, "config");
            blobs.add(configDescriptor);
            JsonNode layers = root.get("layers");
            if (layers == null || layers.isNull()) {
                // image spec "Image Manifest": layers is REQUIRED (an artifact without any uses the empty descriptor)
                throw invalid("image manifest must have a layers array (use [] or the empty descriptor when there are none)");
            }
            for (JsonNode layer : array(root, "layers")) {
                blobs.add(descriptor(layer, "layers[]"));
            }
            if (artifactType == null) { // Docker and OCI images alike: the config's media type
                artifactType = configDescriptor.mediaType();
            }
        }
        JsonNode subjectNode = root.get("subject");
        Descriptor subject = null;
        if (subjectNode != null && !subjectNode.isNull()) {
            if (!subjectNode.isObject()) {
                throw invalid("subject must be a descriptor object");
            }
            subject = descriptor(subjectNode, "subject");
        }
        JsonNode annotations = root.get("annotations");
        if (annotations != null && !annotations.isNull() && !annotations.isObject()) {
            throw invalid("annotations must be an object");
        }
        return new ParsedManifest(mediaType, artifactType, blobs, children, subject,
                annotations == null || annotations.isNull() ? null : annotations.toString());
    }

    /** The body's mediaType and the Content-Type must agree; either may be absent (not both). */
    private String mediaTypeOf(JsonNode root, String contentType) {
        String declared = optionalText(root, "mediaType");
        if (declared != null && MediaTypes.isSchema1(declared)) {
            throw invalid("Docker schema 1 manifests are not supported; push a Docker schema 2 or OCI manifest");
        }
        boolean typedRequest = contentType != null && MediaTypes.isManifest(contentType);
        if (declared != null && typedRequest && !declared.equals(contentType)) {
            throw invalid("Content-Type " + contentType + " disagrees with the manifest's mediaType " + declared);
        }
        if (contentType != null && !typedRequest && !isGeneric(contentType) && declared == null) {
            throw invalid("unsupported manifest media type " + contentType);
        }
        String mediaType = declared != null ? declared : typedRequest ? contentType : inferred(root);
        if (!MediaTypes.isManifest(mediaType)) {
            throw invalid("unsupported manifest media type " + mediaType);
        }
        return mediaType;
    }

    private static boolean isGeneric(String contentType) {
        return contentType.equals("application/json") || contentType.equals("application/octet-stream");
    }

    private static String inferred(JsonNode root) {
        if (root.has("manifests")) {
            return MediaTypes.OCI_INDEX;
        }
        if (root.has("config")) {
            return MediaTypes.OCI_MANIFEST;
        }
        throw invalid("manifest has no mediaType and neither config nor manifests; cannot tell what it is");
    }

    private static Iterable<JsonNode> array(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            if (field.equals("manifests")) {
                throw invalid("index must have a manifests array");
            }
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid(field + " must be an array");
        }
        return node;
    }

    private static Descriptor descriptor(JsonNode node, String where) {
        if (!node.isObject()) {
            throw invalid(where + " must be a descriptor object");
        }
        String mediaType = optionalText(node, "mediaType");
        if (mediaType == null || mediaType.isBlank()) {
            throw invalid(where + " descriptor has no mediaType");
        }
        Digest digest;
        try {
            digest = Digest.parse(optionalText(node, "digest"));
        } catch (InvalidDigestException e) {
            throw invalid(where + " descriptor: " + e.getMessage());
        }
        JsonNode size = node.get("size");
        if (size == null || !size.isIntegralNumber() || !size.canConvertToLong() || size.asLong() < 0) {
            throw invalid(where + " descriptor " + digest + " needs a non-negative integer size");
        }
        JsonNode urls = node.get("urls");
        boolean foreign = urls != null && urls.isArray() && !urls.isEmpty();
        return new Descriptor(mediaType, digest, size.asLong(), foreign);
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw invalid(field + " must be a string");
        }
        return value.asString();
    }

    private static RegistryException invalid(String message) {
        return new RegistryException(ErrorCode.MANIFEST_INVALID, message);
    }

    /**
     * What is wrong with the JSON, without Jackson's internals: its messages name its classes and
     * settings ({@code `tools.jackson.databind.JsonNode`}, {@code StreamReadConstraints.getMaxNestingDepth()}),
     * which clients must not see. Its plain syntax messages ("Unexpected character ...") are kept.
     */
    private static String notJson(JacksonException e) {
        String message = String.valueOf(e.getOriginalMessage()).replaceAll(",? from `[^`]*`", "");
        String where = e.getLocation() == null || e.getLocation().getLineNr() < 0 ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        if (message.startsWith("Trailing token")) {
            return "manifest is not valid JSON: more content follows the JSON value" + where;
        }
        boolean internals = message.contains("`") || message.contains("tools.jackson") || message.contains("java.")
                || message.contains("Exception");
        return "manifest is not valid JSON" + where + (internals ? "" : ": " + message);
    }
}
