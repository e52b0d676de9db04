package dev.registry.core.access;

import java.util.List;
import java.util.Set;

/**
 * One entry of a token's {@code access} claim (Docker registry token spec): a resource and the
 * scope actions granted on it, e.g. {@code repository} {@code team/app} {@code [pull, push]}.
 */
public record Grant(String type, String name, Set<String> actions) {

    /**
     * Parses a {@code scope} parameter, {@code type[(class)]:name:action[,action]}. The name may
     * itself hold colons (a host with a port), so type ends at the first and actions start after
     * the last colon. Null for a scope that does not have that shape.
     */
    public static Grant parse(String scope) {
        int first = scope.indexOf(':');
        int last = scope.lastIndexOf(':');
        if (first <= 0 || last <= first + 1 || last == scope.length() - 1) {
            return null;
        }
        String type = scope.substring(0, first);
        int paren = type.indexOf('(');
        if (paren > 0) {
            type = type.substring(0, paren);
        }
        Set<String> actions = new java.util.LinkedHashSet<>(List.of(scope.substring(last + 1).split(",")));
        actions.remove("");
        return new Grant(type, scope.substring(first + 1, last), actions);
    }

    public boolean allows(String action) {
        return actions.contains(action) || actions.contains("*");
    }

    public String toScope() {
        return type + ":" + name + ":" + String.join(",", actions);
    }
}
