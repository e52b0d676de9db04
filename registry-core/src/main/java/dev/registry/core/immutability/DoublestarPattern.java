package dev.registry.core.immutability;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A doublestar glob, as Harbor's rules use them: {@code *} matches within one path component,
 * {@code **} across components, {@code ?} one character other than {@code /}, {@code {a,b}}
 * either alternative; everything else is literal. The whole input must match.
 */
public final class DoublestarPattern {

    private final String glob;
    private final Pattern regex;

    private DoublestarPattern(String glob, Pattern regex) {
        this.glob = glob;
        this.regex = regex;
    }

    /** {@code INVALID_INPUT} naming {@code field} for an empty or unbalanced pattern. */
    public static DoublestarPattern compile(String glob, String field) {
        if (glob == null || glob.isBlank() || glob.length() > 255) {
            throw invalid(field, "a pattern has 1 to 255 characters");
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
                            out.append("(?:.*/)?");
                        } else {
                            out.append(".*");
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
        return new DoublestarPattern(glob, Pattern.compile(out.toString()));
    }

    public boolean matches(String input) {
        return regex.matcher(input).matches();
    }

    @Override
    public String toString() {
        return glob;
    }

    private static RegistryException invalid(String field, String message) {
        return new RegistryException(ErrorCode.INVALID_INPUT, message, Map.of("field", field));
    }
}
