package dev.registry.api.security;

import dev.registry.api.distribution.OciErrors;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.access.CredentialService;
import dev.registry.core.access.Principal;
import dev.registry.core.access.TokenService;
import dev.registry.core.access.VerifiedToken;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * Turns a request's credentials into a {@link Principal}: none is anonymous; {@code Basic} is a
 * user's password or a robot's secret ({@link CredentialService}, rate limited); {@code Bearer}
 * is a token of ours ({@link TokenService}), whose principal must still be allowed to act (a
 * disabled robot's token stops working at once). It decides nothing about access: the
 * {@code /v2} access filter and the management services do.
 *
 * <p>A bearer token is accepted under {@code /v2} only. The token service's tokens are made for
 * the distribution API and grant only their scopes there; under {@code /api} a token would be
 * taken for its principal's every right (a pull token leaked from a CI log would manage
 * projects), and no token is minted for the management API, so {@code /api} takes Basic
 * credentials alone and refuses a bearer token with 401.
 *
 * <p>Bad credentials are refused here in the protocol's own format: the OCI error envelope with
 * a {@code Bearer} challenge under {@code /v2} and on the token endpoint, RFC 9457 problem JSON
 * under {@code /api}. An expired token is passed on under {@code /v2} without a principal: only the
 * continuation of an upload it started accepts it.
 */
public class AuthenticationFilter extends OncePerRequestFilter {

    private final CredentialService credentials;
    private final TokenService tokens;
    private final Challenges challenges;
    private final OciErrors errors;
    private final ObjectMapper json;

    public AuthenticationFilter(CredentialService credentials, TokenService tokens, Challenges challenges, OciErrors errors,
                                ObjectMapper json) {
        this.credentials = credentials;
        this.tokens = tokens;
        this.challenges = challenges;
        this.errors = errors;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        try {
            if (header == null || header.isBlank()) {
                Authenticated.setPrincipal(request, Principal.Anonymous.INSTANCE);
            } else if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
                String[] pair = decodeBasic(header.substring(6).trim());
                Authenticated.setPrincipal(request, credentials.authenticate(pair[0], pair[1], request.getRemoteAddr()));
            } else if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                if (!bearerAccepted(request)) {
                    throw new RegistryException(ErrorCode.UNAUTHORIZED, "the management API takes a user's credentials"
                            + " (Basic: username and password, or a robot's name and secret), not a bearer token;"
                            + " tokens from " + Challenges.TOKEN_PATH + " are for /v2 and grant only their scopes");
                }
                VerifiedToken token = tokens.verify(header.substring(7).trim());
                if (token.refresh()) {
                    throw new RegistryException(ErrorCode.UNAUTHORIZED, "a refresh token is not an access token;"
                            + " exchange it at " + Challenges.TOKEN_PATH);
                }
                if (token.expired(Instant.now())) {
                    if (!request.getRequestURI().startsWith("/v2/")) {
                        throw new RegistryException(ErrorCode.UNAUTHORIZED, "the bearer token expired at " + token.expiresAt());
                    }
                    request.setAttribute(Authenticated.EXPIRED_TOKEN, token);
                } else {
                    Authenticated.setPrincipal(request, "anonymous".equals(token.kind()) ? Principal.Anonymous.INSTANCE
                            : credentials.current(token.kind(), token.principalId(), token.issuedAt()));
                    request.setAttribute(Authenticated.TOKEN, token);
                }
            } else {
                throw new RegistryException(ErrorCode.UNAUTHORIZED, "unsupported Authorization scheme; use Basic or Bearer");
            }
        } catch (RegistryException e) {
            refuse(request, response, e);
            return;
        }
        chain.doFilter(request, response);
    }

    /**
     * Bearer tokens are for {@code /v2} (and the token endpoint refuses them itself), and for
     * {@code /v1/search}, which the Docker daemon calls with the token it got for its search.
     */
    private static boolean bearerAccepted(HttpServletRequest request) {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        return path.equals("/v2") || path.startsWith("/v2/") || path.equals(Challenges.TOKEN_PATH) || path.equals("/v1/search");
    }

    private static String[] decodeBasic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(ErrorCode.UNAUTHORIZED, "malformed Basic credentials");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw new RegistryException(ErrorCode.UNAUTHORIZED, "malformed Basic credentials");
        }
        return new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, RegistryException e) throws IOException {
        String retryAfter = OciErrors.retryAfter(e);
        if (retryAfter != null) {
            response.setHeader("Retry-After", retryAfter);
        }
        if (request.getRequestURI().startsWith("/api/")) {
            HttpStatus status = OciErrors.status(e.code());
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, e.getMessage());
            problem.setProperty("code", e.code().name());
            try {
                problem.setInstance(java.net.URI.create(request.getRequestURI()));
            } catch (IllegalArgumentException ignored) {
                // a path that is no URI: the problem goes without its instance
            }
            if (status == HttpStatus.UNAUTHORIZED) {
                response.setHeader("WWW-Authenticate", "Basic realm=\"registry\"");
            }
            response.setStatus(status.value());
            response.setContentType("application/problem+json");
            json.writeValue(response.getOutputStream(), problem);
            return;
        }
        if (e.code() == ErrorCode.UNAUTHORIZED) {
            response.setHeader("WWW-Authenticate", challenges.bearer(request, null, false));
        }
        errors.write(response, e);
    }
}
