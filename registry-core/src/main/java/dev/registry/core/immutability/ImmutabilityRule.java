package dev.registry.core.immutability;

import java.time.Instant;

/**
 * Tags of repositories matching {@code repositoryPattern} (the path inside the project) whose
 * name matches {@code tagPattern} are immutable.
 */
public record ImmutabilityRule(long id, String project, String repositoryPattern, String tagPattern, String createdBy,
                               Instant createdAt) {

    /** How a refusal names the rule. */
    public String describe() {
        return "immutability rule " + id + " of project " + project + " (repositories '" + repositoryPattern
                + "', tags '" + tagPattern + "')";
    }
}
