package dev.registry.core.retention;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One rule of a retention policy: a {@link Selection} and a template saying which of the selected
 * artifacts of one repository it retains. Counts and ages are per repository. Templates are
 * records of this sealed interface, so a new template is a new record and the compiler finds every
 * place that must learn it.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "template")
@JsonSubTypes({
        @JsonSubTypes.Type(value = RetentionRule.LatestPushed.class, name = "latestPushed"),
        @JsonSubTypes.Type(value = RetentionRule.LatestPulled.class, name = "latestPulled"),
        @JsonSubTypes.Type(value = RetentionRule.HighestSemver.class, name = "highestSemver"),
        @JsonSubTypes.Type(value = RetentionRule.PushedWithinDays.class, name = "pushedWithinDays"),
        @JsonSubTypes.Type(value = RetentionRule.PulledWithinDays.class, name = "pulledWithinDays"),
        @JsonSubTypes.Type(value = RetentionRule.Always.class, name = "always")})
public sealed interface RetentionRule {

    /** At most this many artifacts or days in a rule. */
    int MAX_COUNT = 100_000;

    Selection selection();

    /** Of {@code selected} (the artifacts of one repository this rule selects), those it retains. */
    List<Candidate> retain(List<Candidate> selected, Instant now);

    /** How the history names the template, e.g. "the 3 most recently pushed". */
    String describe();

    /** {@code INVALID_INPUT} naming {@code field} for a bad selection or count. */
    default void validate(String field) {
        selection().validate(field);
        int n = switch (this) {
            case LatestPushed r -> r.count();
            case LatestPulled r -> r.count();
            case HighestSemver r -> r.count();
            case PushedWithinDays r -> r.days();
            case PulledWithinDays r -> r.days();
            case Always r -> 1;
        };
        if (n < 1 || n > MAX_COUNT) {
            throw new RegistryException(ErrorCode.INVALID_INPUT, "a count of artifacts or days is 1 to " + MAX_COUNT,
                    Map.of("field", field));
        }
    }

    /** Newest first by push time; the digest breaks ties so that runs are repeatable. */
    Comparator<Candidate> NEWEST_PUSH = Comparator.comparing(Candidate::pushedAt).reversed()
            .thenComparing(Candidate::digest);

    /** The {@code count} most recently pushed. */
    record LatestPushed(Selection selection, int count) implements RetentionRule {
        public List<Candidate> retain(List<Candidate> selected, Instant now) {
            return selected.stream().sorted(NEWEST_PUSH).limit(count).toList();
        }

        public String describe() {
            return "the " + count + " most recently pushed";
        }
    }

    /** The {@code count} most recently pulled; never pulled ones come last, newest push first. */
    record LatestPulled(Selection selection, int count) implements RetentionRule {
        public List<Candidate> retain(List<Candidate> selected, Instant now) {
            return selected.stream().sorted(Comparator.comparing(Candidate::pulledAt,
                            Comparator.nullsFirst(Comparator.<Instant>naturalOrder())).reversed().thenComparing(NEWEST_PUSH))
                    .limit(count).toList();
        }

        public String describe() {
            return "the " + count + " most recently pulled";
        }
    }

    /**
     * The {@code count} with the highest semantic version among their selected tags; artifacts with
     * no such tag (untagged ones included) are not retained by this rule.
     */
    record HighestSemver(Selection selection, int count) implements RetentionRule {
        public List<Candidate> retain(List<Candidate> selected, Instant now) {
            record Versioned(Candidate candidate, SemanticVersion version) {
            }
            return selected.stream()
                    .map(c -> selection.selectedTags(c.tags()).stream().map(SemanticVersion::parse).flatMap(Optional::stream)
                            .max(Comparator.naturalOrder()).map(v -> new Versioned(c, v)))
                    .flatMap(Optional::stream)
                    .sorted(Comparator.comparing(Versioned::version).reversed()
                            .thenComparing(Versioned::candidate, NEWEST_PUSH))
                    .limit(count).map(Versioned::candidate).toList();
        }

        public String describe() {
            return "the " + count + " highest semantic versions";
        }
    }

    /** Those pushed within the last {@code days} days. */
    record PushedWithinDays(Selection selection, int days) implements RetentionRule {
        public List<Candidate> retain(List<Candidate> selected, Instant now) {
            Instant since = now.minus(Duration.ofDays(days));
            return selected.stream().filter(c -> !c.pushedAt().isBefore(since)).toList();
        }

        public String describe() {
            return "pushed within the last " + days + " days";
        }
    }

    /** Those pulled within the last {@code days} days; never pulled ones are not retained by this rule. */
    record PulledWithinDays(Selection selection, int days) implements RetentionRule {
        public List<Candidate> retain(List<Candidate> selected, Instant now) {
            Instant since = now.minus(Duration.ofDays(days));
            return selected.stream().filter(c -> c.pulledAt() != null && !c.pulledAt().isBefore(since)).toList();
        }

        public String describe() {
            return "pulled within the last " + days + " days";
        }
    }

    /** Every selected artifact. */
    record Always(Selection selection) implements RetentionRule {
        public List<Candidate> retain(List<Candidate> selected, Instant now) {
            return selected;
        }

        public String describe() {
            return "always";
        }
    }
}
