package dev.registry.core.retention;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A regular-expression tag pattern of a retention rule, in RE2 syntax, matched against the whole
 * tag by RE2/J: in time linear in the tag, whatever the pattern. (With {@code java.util.regex},
 * {@code (a*)*\1b} took 11 s against a 28-character tag, doubling per character.) What needs
 * backtracking is therefore refused: backreferences ({@code \1}), lookahead and lookbehind,
 * possessive quantifiers and atomic groups.
 *
 * <p>Bounded twice: at most {@value #MAX_LENGTH} characters, and at most {@value #MAX_STATES}
 * states once repetition counts are expanded ({@code (ab){3}} is {@code ababab}); so a match
 * costs at most {@code MAX_STATES} × the tag's length (≤ 128) steps. Compiled patterns are cached.
 */
final class TagRegex {

    static final int MAX_LENGTH = 255;
    /** RE2/J instructions of a compiled pattern; {@code v\d+\.\d+\.\d+} has about 20, {@code .{1,128}} about 260. */
    static final int MAX_STATES = 1_000;

    private static final int CACHE_SIZE = 1024;
    private static final Map<String, Pattern> CACHE = new ConcurrentHashMap<>();

    private TagRegex() {
    }

    /** The compiled pattern; {@code INVALID_INPUT} naming {@code field} and what is wrong. */
    static Pattern compile(String regex, String field) {
        Pattern cached = regex == null ? null : CACHE.get(regex);
        if (cached != null) {
            return cached;
        }
        if (regex == null || regex.isBlank()) {
            throw invalid(field, "a pattern has 1 to " + MAX_LENGTH + " characters");
        }
        if (regex.length() > MAX_LENGTH) {
            throw invalid(field, "the pattern is " + regex.length() + " characters long; a pattern has 1 to " + MAX_LENGTH
                    + " characters");
        }
        // before compiling: RE2/J has no size limit of its own, and ((a{1000}){1000}){1000} exhausts the heap
        if (RepetitionSize.estimate(regex) > 10L * MAX_STATES) {
            throw tooLarge(field);
        }
        Pattern compiled;
        try {
            compiled = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw invalid(field, unsupported(regex, e));
        }
        if (compiled.programSize() > MAX_STATES) {
            throw tooLarge(field);
        }
        if (CACHE.size() >= CACHE_SIZE) {
            CACHE.clear();
        }
        CACHE.put(regex, compiled);
        return compiled;
    }

    /** Says what RE2 does not accept, naming the features it leaves out on purpose. */
    private static String unsupported(String regex, PatternSyntaxException e) {
        String what = e.getDescription() + ": " + e.getPattern();
        if (hasBackreference(regex)) {
            return "backreferences such as \\1 are not supported (patterns are matched in linear time, by RE2): " + what;
        }
        if (regex.contains("(?=") || regex.contains("(?!") || regex.contains("(?<=") || regex.contains("(?<!")) {
            return "lookahead and lookbehind are not supported (patterns are matched in linear time, by RE2): " + what;
        }
        if (regex.contains("(?>") || e.getDescription().contains("nested repetition")) {
            return "atomic groups, possessive and nested quantifiers are not supported (patterns are matched in linear"
                    + " time, by RE2): " + what;
        }
        return "not a regular expression in RE2 syntax: " + what;
    }

    private static boolean hasBackreference(String regex) {
        for (int i = 0; i + 1 < regex.length(); i++) {
            if (regex.charAt(i) == '\\') {
                if (Character.isDigit(regex.charAt(i + 1)) && regex.charAt(i + 1) != '0') {
                    return true;
                }
                i++;
            }
        }
        return false;
    }

    private static RegistryException tooLarge(String field) {
        return invalid(field, "the pattern's repetition counts make it too large: at most " + MAX_STATES
                + " states once counts are expanded ((ab){3} counts as ababab)");
    }

    private static RegistryException invalid(String field, String message) {
        return new RegistryException(ErrorCode.INVALID_INPUT, message, Map.of("field", field));
    }
}
