package dev.registry.core.retention;

import java.time.Instant;
import java.util.List;

/**
 * A manifest as retention sees it: where it is, its tags (and which of them an immutability rule
 * protects), when it was pushed and last pulled ({@code null}: never), its subject (a referrer)
 * and its children (an index).
 */
public record Candidate(String repository, String digest, List<String> tags, List<String> immutableTags,
                        Instant pushedAt, Instant pulledAt, String subject, List<String> children) {

    public Candidate {
        tags = List.copyOf(tags);
        immutableTags = List.copyOf(immutableTags);
        children = List.copyOf(children);
    }
}
