package dev.registry.api.security;

import dev.registry.api.distribution.OciErrors;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.ThrottledException;
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
        if (e instanceof ThrottledException throttled) {
            response.setHeader("Retry-After", Long.toString(Math.max(1, throttled.retryAfter().toSeconds())));
        }
        if (request.getRequestURI().startsWith("/api/")) {
            HttpStatus status = OciErrors.status(e.code());
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, e.getMessage());
            problem.setProperty("code", e.code().name());
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
