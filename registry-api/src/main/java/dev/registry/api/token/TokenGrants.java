package dev.registry.api.token;

import dev.registry.core.RegistryException;
import dev.registry.core.access.AccessService;
import dev.registry.core.access.Action;
import dev.registry.core.access.Grant;
import dev.registry.core.access.Principal;
import dev.registry.core.access.ProjectAccess;
import dev.registry.core.artifact.RepositoryName;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * What a token may grant: for each requested scope, the requested actions that the caller may
 * perform now ({@link AccessService}); the rest are left out, never refused (Docker registry token
 * spec: the registry then refuses the request that needs them).
 */
@Component
class TokenGrants {

    private static final List<String> REPOSITORY_ACTIONS = List.of("pull", "push", "delete");
    private final AccessService access;

    TokenGrants(AccessService access) {
        this.access = access;
    }

    /**
     * @param scopes the {@code scope} values as sent: repeated parameters, each of which may hold several
     *     scopes separated by spaces (the OAuth 2 form; repository names never contain spaces)
     */
    List<Grant> grant(Principal principal, List<String> scopes) {
        List<Grant> granted = new ArrayList<>();
        for (String scope : scopes.stream().flatMap(s -> Arrays.stream(s.trim().split("\\s+"))).filter(s -> !s.isEmpty()).toList()) {
            Grant requested = Grant.parse(scope);
            if (requested == null) {
                continue;
            }
            if ("registry".equals(requested.type()) && "catalog".equals(requested.name()) && requested.allows("*")) {
                granted.add(new Grant("registry", "catalog", Set.of("*")));
            } else if ("repository".equals(requested.type())) {
                Grant repository = repository(principal, requested);
                if (repository != null) {
                    granted.add(repository);
                }
            }
        }
        return granted;
    }

    private Grant repository(Principal principal, Grant requested) {
        RepositoryName name;
        try {
            name = new RepositoryName(requested.name());
        } catch (RegistryException e) {
            return null;
        }
        ProjectAccess current = access.access(principal, name.project());
        // a project the caller's first push will create: it will administer it
        boolean creatable = !current.exists() && access.policy().createOnPush() && access.mayCreateProject(principal);
        Set<String> actions = new LinkedHashSet<>();
        for (String action : requested.actions().contains("*") ? REPOSITORY_ACTIONS : requested.actions()) {
            boolean may = switch (action) {
                case "pull" -> current.may(Action.PULL) || creatable;
                case "push" -> current.may(Action.PUSH) || creatable;
                case "delete" -> current.may(Action.DELETE_ARTIFACT) || current.may(Action.DELETE_TAG);
                default -> false;
            };
            if (may) {
                actions.add(action);
            }
        }
        // decided on the canonical name (alpine is library/alpine), granted under the name asked for:
        // clients look for the scope they requested in the token (Docker registry token spec)
        return new Grant("repository", requested.name(), actions);
    }
}
