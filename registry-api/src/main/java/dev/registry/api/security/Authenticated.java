package dev.registry.api.security;

import dev.registry.core.access.Principal;
import dev.registry.core.access.VerifiedToken;
import jakarta.servlet.http.HttpServletRequest;

/** What {@link AuthenticationFilter} found out about a request's caller, as request attributes. */
public final class Authenticated {

    static final String PRINCIPAL = "dev.registry.api.principal";
    static final String TOKEN = "dev.registry.api.token";
    static final String EXPIRED_TOKEN = "dev.registry.api.expired-token";

    private Authenticated() {
    }

    /** The caller; {@link Principal.Anonymous} when the request carried no credentials. */
    public static Principal principal(HttpServletRequest request) {
        Object p = request.getAttribute(PRINCIPAL);
        return p instanceof Principal principal ? principal : Principal.Anonymous.INSTANCE;
    }

    public static void setPrincipal(HttpServletRequest request, Principal principal) {
        request.setAttribute(PRINCIPAL, principal);
    }

    /** The bearer token the request carried, when it was valid and unexpired. */
    public static VerifiedToken token(HttpServletRequest request) {
        return (VerifiedToken) request.getAttribute(TOKEN);
    }

    /** A bearer token that was valid except that it expired (only an upload's continuation takes one). */
    public static VerifiedToken expiredToken(HttpServletRequest request) {
        return (VerifiedToken) request.getAttribute(EXPIRED_TOKEN);
    }

    /** Whether the request carried any credentials at all. */
    public static boolean hasCredentials(HttpServletRequest request) {
        return request.getHeader("Authorization") != null;
    }
}
