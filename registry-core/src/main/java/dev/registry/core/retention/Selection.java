package dev.registry.core.retention;

import dev.registry.core.immutability.DoublestarPattern;
import java.util.List;
import java.util.function.Predicate;

/**
 * What a retention rule applies to: repositories (a doublestar pattern over the path inside the
 * project, included or excluded) and tags (a doublestar or regular-expression pattern, included or
 * excluded, plus whether untagged artifacts are selected). Every pattern is matched in time linear
 * in the name ({@link DoublestarPattern}, {@link TagRegex}: RE2 syntax, no backreferences or
 * lookaround) and has at most 255 characters.
 *
 * <p>Tag semantics, one meaning each: an {@code INCLUDE} rule selects a tagged artifact when at
 * least one of its tags matches; an {@code EXCLUDE} rule selects a tagged artifact when none of its
 * tags matches. {@code untagged} always means "untagged artifacts are selected by this rule too",
 * on include and exclude rules alike (Harbor's checkbox means the opposite on exclude rules).
 */
public record Selection(String repositoryPattern, Decoration repositoryDecoration, String tagPattern,
                        PatternKind tagPatternKind, Decoration tagDecoration, boolean untagged) {

    public enum Decoration { INCLUDE, EXCLUDE }

    public enum PatternKind { DOUBLESTAR, REGEX }

    public Selection {
        repositoryDecoration = repositoryDecoration == null ? Decoration.INCLUDE : repositoryDecoration;
        tagPatternKind = tagPatternKind == null ? PatternKind.DOUBLESTAR : tagPatternKind;
        tagDecoration = tagDecoration == null ? Decoration.INCLUDE : tagDecoration;
    }

    /** Every repository, every tag, and untagged artifacts. */
    public static Selection everything() {
        return new Selection("**", Decoration.INCLUDE, "**", PatternKind.DOUBLESTAR, Decoration.INCLUDE, true);
    }

    /** {@code INVALID_INPUT} naming the field for a pattern that does not compile. */
    public void validate(String field) {
        DoublestarPattern.compile(repositoryPattern, field + ".repositoryPattern");
        tagMatcher(field);
    }

    /** Whether the rule applies to the repository with this path inside its project. */
    public boolean selectsRepository(String path) {
        boolean matches = DoublestarPattern.compile(repositoryPattern, "repositoryPattern").matches(path);
        return repositoryDecoration == Decoration.INCLUDE ? matches : !matches;
    }

    /** Whether the rule applies to an artifact with these tags. */
    public boolean selectsTags(List<String> tags) {
        if (tags.isEmpty()) {
            return untagged;
        }
        Predicate<String> matcher = tagMatcher("tagPattern");
        boolean anyMatches = tags.stream().anyMatch(matcher);
        return tagDecoration == Decoration.INCLUDE ? anyMatches : !anyMatches;
    }

    /** The tags of an artifact this rule looks at (for ordering by semantic version). */
    List<String> selectedTags(List<String> tags) {
        Predicate<String> matcher = tagMatcher("tagPattern");
        return tags.stream().filter(tagDecoration == Decoration.INCLUDE ? matcher : matcher.negate()).toList();
    }

    private Predicate<String> tagMatcher(String field) {
        if (tagPatternKind == PatternKind.DOUBLESTAR) {
            return DoublestarPattern.compile(tagPattern, field + ".tagPattern")::matches;
        }
        com.google.re2j.Pattern regex = TagRegex.compile(tagPattern, field + ".tagPattern");
        return regex::matches;
    }
}
