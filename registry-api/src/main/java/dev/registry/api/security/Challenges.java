package dev.registry.api.security;

import dev.registry.core.access.TokenPolicy;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Component;

/**
 * {@code WWW-Authenticate} values for 401 answers under {@code /v2} (Docker registry token spec,
 * "How to authenticate"): where the token endpoint is, which service to name, and which scope the
 * refused request needed.
 */
@Component
public class Challenges {

    public static final String TOKEN_PATH = "/service/token";
    private final TokenPolicy policy;

    public Challenges(TokenPolicy policy) {
        this.policy = policy;
    }

    /**
     * {@code Bearer realm="…",service="…"[,scope="…"][,error="insufficient_scope"]}.
     *
     * @param scope the scope the request needed, or null
     * @param insufficient the request carried a token that lacked the scope
     */
    public String bearer(HttpServletRequest request, String scope, boolean insufficient) {
        StringBuilder value = new StringBuilder("Bearer realm=\"").append(realm(request))
                .append("\",service=\"").append(policy.service()).append('"');
        if (scope != null) {
            value.append(",scope=\"").append(scope).append('"');
        }
        if (insufficient) {
            value.append(",error=\"insufficient_scope\"");
        }
        return value.toString();
    }

    public String realm(HttpServletRequest request) {
        if (policy.realm() != null && !policy.realm().isBlank()) {
            return policy.realm();
        }
        String host = request.getHeader("Host");
        if (host == null || host.isBlank() || !host.matches("[A-Za-z0-9.\\-:\\[\\]]+")) {
            // no Host, or one that could break out of the quoted realm: the server's own name
            host = request.getServerName() + ":" + request.getServerPort();
        }
        return request.getScheme() + "://" + host + TOKEN_PATH;
    }
}
