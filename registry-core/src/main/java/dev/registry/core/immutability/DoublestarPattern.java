package dev.registry.core.immutability;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A doublestar glob, as Harbor's rules use them: {@code *} matches within one path component,
 * {@code **} across components, {@code ?} one character other than {@code /}, {@code {a,b}}
 * either alternative; everything else is literal. The whole input must match.
 *
 * <p>Matching takes time linear in the input (times the pattern's length), whatever the pattern:
 * the glob is translated to a regular expression that RE2/J runs as an automaton, without
 * backtracking. (With {@code java.util.regex}, {@code *a*a*a*a*a*a*a*a*a*a*a*a*b} against a tag
 * of 45 {@code a}s did not finish.) Patterns are at most {@value #MAX_LENGTH} characters, so a
 * match costs at most a few hundred thousand simple steps. Compiled patterns are cached: a rule's
 * pattern is compiled once, not once per tag.
 */
public final class DoublestarPattern {

    /** The longest pattern a rule may have. */
    public static final int MAX_LENGTH = 255;

    /** What {@code java.util.regex}'s {@code .} matched (the translation used it): anything but a line terminator. */
    private static final String ANY = "[^\\n\\r\\x{85}\\x{2028}\\x{2029}]";

    private static final int CACHE_SIZE = 1024;
    private static final Map<String, DoublestarPattern> CACHE = new ConcurrentHashMap<>();

    private final String glob;
    private final Pattern regex;

    private DoublestarPattern(String glob, Pattern regex) {
        this.glob = glob;
        this.regex = regex;
    }

    /** {@code INVALID_INPUT} naming {@code field} for an empty, too long or unbalanced pattern. */
    public static DoublestarPattern compile(String glob, String field) {
        DoublestarPattern cached = glob == null ? null : CACHE.get(glob);
        if (cached != null) {
            return cached;
        }
        DoublestarPattern compiled;
        try {
            compiled = new DoublestarPattern(glob, Pattern.compile(translate(glob, field)));
        } catch (PatternSyntaxException e) {
            // only text that is not valid UTF-16 (a lone surrogate) gets here: everything else is quoted
            throw invalid(field, "the pattern is not valid text");
        }
        if (CACHE.size() >= CACHE_SIZE) {
            CACHE.clear();
        }
        CACHE.put(glob, compiled);
        return compiled;
    }

    /** The regular expression (RE2 syntax) that matches what {@code glob} matches. */
    static String translate(String glob, String field) {
        if (glob == null || glob.isBlank()) {
            throw invalid(field, "a pattern has 1 to " + MAX_LENGTH + " characters");
        }
        if (glob.length() > MAX_LENGTH) {
            throw invalid(field, "the pattern is " + glob.length() + " characters long; a pattern has 1 to " + MAX_LENGTH
                    + " characters");
        }
        StringBuilder out = new StringBuilder();
        int braces = 0;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                        i++;
                        // "**/" also matches no directory at all ("**/app" matches "app")
                        if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
                            i++;
                            out.append("(?:").append(ANY).append("*/)?");
                        } else {
                            out.append(ANY).append('*');
                        }
                    } else {
                        out.append("[^/]*");
                    }
                }
                case '?' -> out.append("[^/]");
                case '{' -> {
                    braces++;
                    out.append("(?:");
                }
                case '}' -> {
                    if (braces == 0) {
                        throw invalid(field, "'}' without '{' in " + glob);
                    }
                    braces--;
                    out.append(')');
                }
                case ',' -> out.append(braces > 0 ? "|" : ",");
                default -> out.append(Pattern.quote(String.valueOf(c)));
            }
        }
        if (braces != 0) {
            throw invalid(field, "'{' without '}' in " + glob);
        }
        return out.toString();
    }

    public boolean matches(String input) {
        return regex.matches(input);
    }

    @Override
    public String toString() {
        return glob;
    }

    private static RegistryException invalid(String field, String message) {
        return new RegistryException(ErrorCode.INVALID_INPUT, message, Map.of("field", field));
    }
}
