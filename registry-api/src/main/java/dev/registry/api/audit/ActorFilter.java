package dev.registry.api.audit;

import dev.registry.api.security.Authenticated;
import dev.registry.core.Actor;
import dev.registry.core.access.CredentialService;
import dev.registry.core.access.Principal;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Makes the request's caller the current {@link Actor} while the request is handled, so the
 * events services publish name who did it and from which address (for the audit log). Runs right
 * after authentication, which fixes the caller.
 *
 * <p>Why a context rather than a parameter: the actor matters to the audit log only, and every
 * write of every service would otherwise carry it through signatures that the {@code /v2}
 * adapter, the management API and the tests all share. The address is the connection's
 * ({@code server.forward-headers-strategy} makes it the client's behind a proxy).
 */
class ActorFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Principal principal = Authenticated.principal(request);
        Actor actor = new Actor(principal.name(), CredentialService.kindOf(principal), request.getRemoteAddr());
        request.setAttribute(Actor.REQUEST_ATTRIBUTE, actor);
        try (Actor.Scope ignored = Actor.open(actor)) {
            chain.doFilter(request, response);
        }
    }
}
