package dev.registry.core.artifact;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;

/**
 * A repository name as the OCI distribution spec's grammar defines it:
 * {@code [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*}, at most 255
 * characters. The first component is the project.
 *
 * <p>A name of one component ({@code alpine}, as in the classic {@code registry:2} tutorials and
 * as Docker users address Docker Hub's official images) is short for {@code library/alpine}: the
 * constructor makes it canonical, so {@link #value()} is always {@code project/...} and
 * {@code alpine} and {@code library/alpine} are one repository everywhere (paths, token scopes,
 * mounts, the catalog, the management API, policies). Issue 11, correctness item 2.
 *
 * <p>The grammar is checked by a scanner, not by that regular expression: every pull parses a name,
 * and {@code java.util.regex} allocates per match for the nested repetitions (it was a third of the
 * memory a small pull allocated). {@code RepositoryNameAndReferenceTest} checks the two agree.
 */
public record RepositoryName(String value) {

    public static final int MAX_LENGTH = 255;

    /** The project a one-component name belongs to. */
    public static final String DEFAULT_PROJECT = "library";

    public RepositoryName {
        if (value == null || value.isEmpty()) {
            throw new RegistryException(ErrorCode.NAME_INVALID, "repository name is empty");
        }
        boolean expanded = value.indexOf('/') < 0 && value.length() <= MAX_LENGTH && inGrammar(value);
        if (expanded) {
            value = DEFAULT_PROJECT + "/" + value;
        }
        if (value.length() > MAX_LENGTH) {
            throw new RegistryException(ErrorCode.NAME_INVALID, "repository name is " + value.length() + " characters long"
                    + (expanded ? " as " + value.substring(0, DEFAULT_PROJECT.length() + 1) + "<name>" : "")
                    + "; at most " + MAX_LENGTH + " are allowed");
        }
        if (!inGrammar(value)) {
            throw new RegistryException(ErrorCode.NAME_INVALID, "invalid repository name '" + value
                    + "': components are lower-case letters and digits separated by '.', '_', '__' or '-', joined by '/'");
        }
    }

    /** Components of lower-case letters and digits, separated inside by '.', '_', '__' or '-'+, joined by '/'. */
    static boolean inGrammar(String name) {
        int n = name.length();
        int i = 0;
        while (true) {
            i = alphanumerics(name, i);
            if (i < 0) {
                return false;
            }
            while (i < n && name.charAt(i) != '/') {
                char c = name.charAt(i);
                if (c == '.') {
                    i++;
                } else if (c == '_') {
                    i += i + 1 < n && name.charAt(i + 1) == '_' ? 2 : 1;
                } else if (c == '-') {
                    while (i < n && name.charAt(i) == '-') {
                        i++;
                    }
                } else {
                    return false;
                }
                i = alphanumerics(name, i);
                if (i < 0) {
                    return false;
                }
            }
            if (i == n) {
                return true;
            }
            i++; // the '/'
        }
    }

    /** The index after a run of at least one [a-z0-9] starting at {@code i}, or -1 when there is none. */
    private static int alphanumerics(String name, int i) {
        int start = i;
        while (i < name.length() && isLowerAlphanumeric(name.charAt(i))) {
            i++;
        }
        return i > start ? i : -1;
    }

    private static boolean isLowerAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    /**
     * The canonical form of a name given as text ({@code alpine} → {@code library/alpine}), or the
     * text unchanged when it is no valid name: for comparing names that were not parsed yet, such
     * as those in a token's {@code access} claim.
     */
    public static String canonical(String name) {
        if (name != null && name.indexOf('/') < 0 && inGrammar(name) && name.length() + DEFAULT_PROJECT.length() < MAX_LENGTH) {
            return DEFAULT_PROJECT + "/" + name;
        }
        return name;
    }

    public String project() {
        return value.substring(0, value.indexOf('/'));
    }

    /** The path inside the project: {@code team/app} for {@code project/team/app}, {@code alpine} for {@code library/alpine}. */
    public String pathInProject() {
        return value.substring(value.indexOf('/') + 1);
    }

    @Override
    public String toString() {
        return value;
    }
}
