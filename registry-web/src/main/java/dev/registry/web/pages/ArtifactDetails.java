package dev.registry.web.pages;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the artifact page reads out of a manifest and an image's config: the manifest pretty-printed, its config
 * descriptor and layers, and from the config the platform, creation time, labels, environment, entrypoint, command
 * and build history. Values are plain text; the template escapes them.
 */
final class ArtifactDetails {

    /** A config larger than this is not read (1 MiB; image configs are a few KiB). */
    static final long MAX_CONFIG_BYTES = 1024 * 1024;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ArtifactDetails() {
    }

    record Blob(String mediaType, String digest, Long size) {
    }

    record HistoryStep(String created, String createdBy, String comment, boolean emptyLayer) {
    }

    /** An image config's fields the page shows; lists and maps empty when absent. */
    record Config(String platform, String created, String author, Map<String, String> labels, List<String> env,
                  List<String> entrypoint, List<String> cmd, String workingDir, String user, List<HistoryStep> history) {
    }

    /** The manifest as parsed: pretty text (the bytes as stored when they are no JSON), config descriptor, layers. */
    record Manifest(String pretty, Blob config, List<Blob> layers) {
    }

    static Manifest manifest(byte[] content) {
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (JacksonException e) {
            return new Manifest(new String(content, java.nio.charset.StandardCharsets.UTF_8), null, List.of());
        }
        String pretty = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        Blob config = root.path("config").isObject() ? blob(root.path("config")) : null;
        List<Blob> layers = new ArrayList<>();
        for (JsonNode layer : root.path("layers")) {
            layers.add(blob(layer));
        }
        return new Manifest(pretty, config, layers);
    }

    private static Blob blob(JsonNode node) {
        return new Blob(text(node, "mediaType"), text(node, "digest"), node.path("size").canConvertToLong()
                ? node.path("size").asLong() : null);
    }

    /** The config's fields, or null when the bytes are no JSON object. */
    static Config config(byte[] content) {
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (JacksonException e) {
            return null;
        }
        if (!root.isObject()) {
            return null;
        }
        JsonNode c = root.path("config");
        Map<String, String> labels = new LinkedHashMap<>();
        c.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().isString() ? e.getValue().asString()
                : e.getValue().toString()));
        List<HistoryStep> history = new ArrayList<>();
        for (JsonNode step : root.path("history")) {
            history.add(new HistoryStep(text(step, "created"), text(step, "created_by"), text(step, "comment"),
                    step.path("empty_layer").asBoolean(false)));
        }
        String os = text(root, "os");
        String arch = text(root, "architecture");
        String variant = text(root, "variant");
        String platform = os == null && arch == null ? null
                : (os == null ? "?" : os) + "/" + (arch == null ? "?" : arch) + (variant == null ? "" : "/" + variant);
        return new Config(platform, text(root, "created"), text(root, "author"), labels, strings(c.path("Env")),
                strings(c.path("Entrypoint")), strings(c.path("Cmd")), text(c, "WorkingDir"), text(c, "User"), history);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        for (JsonNode value : array) {
            values.add(value.isString() ? value.asString() : value.toString());
        }
        return values;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isString() && !value.asString().isEmpty() ? value.asString() : value.isNumber() ? value.toString() : null;
    }
}
