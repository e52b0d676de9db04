package dev.registry.core.retention;

import java.util.List;

/**
 * What retention does to one artifact and why. {@code rule} is the 1-based index of the rule that
 * kept it (or kept the index or subject it follows), {@code null} when no rule did.
 */
public record Decision(String repository, String digest, List<String> tags, Action action, Integer rule, String reason) {

    public enum Action {
        /** Kept with its tags. */
        RETAIN,
        /** Loses its tags but stays: a kept index references it. */
        UNTAG,
        /** Tags and manifest are deleted. */
        DELETE
    }
}
