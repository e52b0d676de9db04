package dev.registry.core.retention;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.job.Cron;
import java.util.List;
import java.util.Map;

/**
 * A project's retention rules, evaluated together: an artifact is kept when any rule retains it;
 * and when the policy runs by itself: {@code schedule}, a cron expression of six fields in UTC
 * (e.g. {@code 0 0 3 * * *}), or null for only by hand (and by {@code registry.retention.schedule}).
 */
public record RetentionPolicy(List<RetentionRule> rules, String schedule) {

    /** At most this many rules per policy, as Harbor. */
    public static final int MAX_RULES = 15;

    public RetentionPolicy {
        rules = rules == null ? List.of() : List.copyOf(rules);
        schedule = schedule == null || schedule.isBlank() ? null : schedule.trim();
    }

    /** A policy that runs only by hand. */
    public RetentionPolicy(List<RetentionRule> rules) {
        this(rules, null);
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
        Cron.valid(schedule, "schedule");
    }
}
