package dev.registry.core.retention;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import java.util.List;
import java.util.Map;

/** A project's retention rules, evaluated together: an artifact is kept when any rule retains it. */
public record RetentionPolicy(List<RetentionRule> rules) {

    /** At most this many rules per policy, as Harbor. */
    public static final int MAX_RULES = 15;

    public RetentionPolicy {
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    /** {@code INVALID_INPUT} naming the field of the first bad rule, or of too many rules. */
    public void validate() {
        if (rules.size() > MAX_RULES) {
            throw new RegistryException(ErrorCode.INVALID_INPUT, "a retention policy has at most " + MAX_RULES + " rules",
                    Map.of("field", "rules"));
        }
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i) == null || rules.get(i).selection() == null) {
                throw new RegistryException(ErrorCode.INVALID_INPUT, "a rule needs a template and a selection",
                        Map.of("field", "rules[" + i + "]"));
            }
            rules.get(i).validate("rules[" + i + "]");
        }
    }
}
