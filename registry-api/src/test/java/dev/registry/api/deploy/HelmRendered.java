package dev.registry.api.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/** The documents {@code helm template} printed, parsed (SnakeYAML), empty documents left out. */
record HelmRendered(List<Map<String, Object>> documents) {

    @SuppressWarnings("unchecked")
    static HelmRendered parse(String yaml) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml().loadAll(yaml)) {
            if (document instanceof Map<?, ?> map) {
                documents.add((Map<String, Object>) map);
            }
        }
        return new HelmRendered(List.copyOf(documents));
    }

    /** The kinds rendered, one entry per document. */
    List<String> kinds() {
        return documents.stream().map(d -> (String) d.get("kind")).toList();
    }

    List<Map<String, Object>> all(String kind) {
        return documents.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    /** The one document of that kind; fails when there is none or more than one. */
    Map<String, Object> one(String kind) {
        List<Map<String, Object>> found = all(kind);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + ", rendered " + found.size() + " (kinds: " + kinds() + ")");
        }
        return found.get(0);
    }
}
