package dev.registry.api.management;

import dev.registry.core.access.Action;
import dev.registry.core.project.Role;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Names on the wire: roles as {@code project-admin}, {@code maintainer}, {@code developer},
 * {@code guest}, {@code limited-guest}; actions as {@link Action#wireName()} ({@code pull},
 * {@code push}, {@code delete-artifact}, …). An unknown name is a 400 naming the field.
 */
final class Wire {

    private Wire() {
    }

    static String role(Role role) {
        return role.wireName();
    }

    static Role role(String name, String field) {
        try {
            return Role.fromWireName(name);
        } catch (IllegalArgumentException e) {
            throw Paging.invalid(field, e.getMessage());
        }
    }

    static List<String> actions(Set<Action> actions) {
        return actions.stream().map(Action::wireName).toList();
    }

    static Set<Action> actions(List<String> names, String field) {
        EnumSet<Action> actions = EnumSet.noneOf(Action.class);
        for (String name : names == null ? List.<String>of() : names) {
            try {
                actions.add(Action.fromWireName(name));
            } catch (IllegalArgumentException e) {
                throw Paging.invalid(field, "unknown action '" + name + "'; one of "
                        + Arrays.stream(Action.values()).map(Action::wireName).toList());
            }
        }
        return actions;
    }
}
