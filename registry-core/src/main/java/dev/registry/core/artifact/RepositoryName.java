package dev.registry.core.artifact;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import java.util.regex.Pattern;

/**
 * A repository name as the OCI distribution spec's grammar defines it:
 * {@code [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*}, at most 255
 * characters. The first component is the project; a name of one component ({@code alpine}, as in
 * the classic {@code registry:2} tutorials) belongs to the {@code library} project.
 */
public record RepositoryName(String value) {

    public static final int MAX_LENGTH = 255;
    private static final Pattern GRAMMAR = Pattern.compile(
            "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");

    public RepositoryName {
        if (value == null || value.isEmpty()) {
            throw new RegistryException(ErrorCode.NAME_INVALID, "repository name is empty");
        }
        if (value.length() > MAX_LENGTH) {
            throw new RegistryException(ErrorCode.NAME_INVALID,
                    "repository name is " + value.length() + " characters long; at most " + MAX_LENGTH + " are allowed");
        }
        if (!GRAMMAR.matcher(value).matches()) {
            throw new RegistryException(ErrorCode.NAME_INVALID, "invalid repository name '" + value
                    + "': components are lower-case letters and digits separated by '.', '_', '__' or '-', joined by '/'");
        }
    }

    public String project() {
        int slash = value.indexOf('/');
        return slash < 0 ? "library" : value.substring(0, slash);
    }

    @Override
    public String toString() {
        return value;
    }
}
