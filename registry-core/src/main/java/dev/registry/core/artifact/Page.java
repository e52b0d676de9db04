package dev.registry.core.artifact;

import java.util.List;

/** One page of names in lexical order; {@code hasMore} when names after the last one exist. */
public record Page(List<String> items, boolean hasMore) {

    public String last() {
        return items.isEmpty() ? null : items.get(items.size() - 1);
    }
}
