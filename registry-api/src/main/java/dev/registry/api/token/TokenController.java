package dev.registry.api.token;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.registry.api.distribution.OciErrors;
import dev.registry.api.security.Authenticated;
import dev.registry.api.security.Challenges;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.ThrottledException;
import dev.registry.core.access.CredentialService;
import dev.registry.core.access.Principal;
import dev.registry.core.access.TokenService;
import dev.registry.core.access.VerifiedToken;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Docker token service at {@code /service/token}.
 *
 * <ul>
 * <li>{@code GET} (Docker registry token spec, "Requesting a Token"): Basic credentials or none
 *     (anonymous: what public projects allow), {@code service}, any number of {@code scope},
 *     {@code offline_token=true} for a refresh token (users only: robots get none).</li>
 * <li>{@code POST} form (OAuth2, the spec's "oauth" page): {@code grant_type=password} with
 *     {@code username}/{@code password}, or {@code grant_type=refresh_token}; {@code scope} is
 *     space-separated; {@code access_type=offline} asks for a refresh token (users only). Errors are RFC 6749
 *     {@code {"error", "error_description"}}.</li>
 * </ul>
 * The granted access is the intersection of what was asked and what the caller may do now.
 */
@RestController
class TokenController {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TokenResponse(String token, @JsonProperty("access_token") String accessToken,
                         @JsonProperty("expires_in") long expiresIn, @JsonProperty("issued_at") String issuedAt,
                         @JsonProperty("refresh_token") String refreshToken, String scope) {
    }

    private final TokenService tokens;
    private final TokenGrants grants;
    private final CredentialService credentials;

    TokenController(TokenService tokens, TokenGrants grants, CredentialService credentials) {
        this.tokens = tokens;
        this.grants = grants;
        this.credentials = credentials;
    }

    @GetMapping(Challenges.TOKEN_PATH)
    ResponseEntity<TokenResponse> get(@RequestParam(required = false) String service,
                                      @RequestParam(name = "offline_token", required = false) String offline,
                                      HttpServletRequest request) {
        // each scope holds commas of its own ("pull,push"): read the raw values, never a split list;
        // a value may hold several scopes separated by spaces (the OAuth 2 form): TokenGrants splits them
        String[] scopes = request.getParameterValues("scope");
        checkService(service);
        if (Authenticated.token(request) != null) {
            throw new RegistryException(ErrorCode.UNAUTHORIZED, "sign in to the token endpoint with Basic credentials, not a token");
        }
        Principal principal = Authenticated.principal(request);
        boolean refresh = "true".equalsIgnoreCase(offline) && !principal.isAnonymous();
        return respond(principal, scopes == null ? List.of() : List.of(scopes), refresh, null, request);
    }

    @PostMapping(path = Challenges.TOKEN_PATH, consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    ResponseEntity<?> post(@RequestParam MultiValueMap<String, String> form, HttpServletRequest request) {
        String grantType = form.getFirst("grant_type");
        // space-separated (OAuth 2), possibly repeated: TokenGrants splits each value
        List<String> scopes = form.get("scope") == null ? List.of() : form.get("scope");
        try {
            checkService(form.getFirst("service"));
            if ("password".equals(grantType)) {
                Principal principal = credentials.authenticate(form.getFirst("username"), form.getFirst("password"),
                        request.getRemoteAddr());
                return respond(principal, scopes, "offline".equals(form.getFirst("access_type")), null, request);
            }
            if ("refresh_token".equals(grantType)) {
                String refreshToken = form.getFirst("refresh_token");
                if (refreshToken == null) {
                    return oauthError(HttpStatus.BAD_REQUEST, "invalid_request", "refresh_token is missing");
                }
                VerifiedToken refresh = tokens.verify(refreshToken);
                if (!refresh.refresh() || refresh.expired(Instant.now())) {
                    return oauthError(HttpStatus.BAD_REQUEST, "invalid_grant",
                            refresh.refresh() ? "the refresh token expired" : "that is not a refresh token");
                }
                Principal principal = credentials.current(refresh.kind(), refresh.principalId(), refresh.issuedAt());
                return respond(principal, scopes, false, refreshToken, request);
            }
            return oauthError(HttpStatus.BAD_REQUEST, "unsupported_grant_type",
                    "grant_type must be password or refresh_token, not " + grantType);
        } catch (ThrottledException e) {
            return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                    .header("Retry-After", Long.toString(Math.max(1, e.retryAfter().toSeconds())))
                    .body(Map.of("error", "invalid_grant", "error_description", e.getMessage()));
        } catch (RegistryException e) {
            return oauthError(e.code() == ErrorCode.INVALID_INPUT ? HttpStatus.BAD_REQUEST : HttpStatus.BAD_REQUEST,
                    e.code() == ErrorCode.INVALID_INPUT ? "invalid_request" : "invalid_grant", e.getMessage());
        }
    }

    /** Refusals on the GET form leave as the OCI error envelope (what docker and containerd print). */
    @ExceptionHandler(RegistryException.class)
    ResponseEntity<OciErrors.Body> refused(RegistryException e) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(OciErrors.status(e.code())).contentType(MediaType.APPLICATION_JSON);
        if (e instanceof ThrottledException throttled) {
            response.header("Retry-After", Long.toString(Math.max(1, throttled.retryAfter().toSeconds())));
        }
        return response.body(OciErrors.body(e));
    }

    private ResponseEntity<TokenResponse> respond(Principal principal, List<String> scopes, boolean withRefresh, String refreshToken,
                                                  HttpServletRequest request) {
        var granted = grants.grant(principal, scopes);
        TokenService.Issued issued = tokens.issueAccess(principal, granted, request.getRemoteAddr());
        // robots get none: their secret is the long-lived credential their pull Secret carries, and a client
        // given a refresh token (docker login) would store it in the secret's place
        boolean refreshable = withRefresh && !(principal instanceof Principal.Robot);
        String refresh = refreshToken != null ? refreshToken : refreshable ? tokens.issueRefresh(principal) : null;
        // the scopes granted something; one granting nothing (a private project asked for anonymously) is in the
        // token's access claim with no actions, as Distribution's token servers answer, and /v2 refuses there
        List<String> grantedScopes = granted.stream().filter(g -> !g.actions().isEmpty()).map(g -> g.toScope()).toList();
        String scope = grantedScopes.isEmpty() ? null : String.join(" ", grantedScopes);
        return ResponseEntity.ok().header("Cache-Control", "no-store")
                .body(new TokenResponse(issued.token(), issued.token(), issued.expiresIn(), issued.issuedAt().toString(),
                        refresh, scope));
    }

    private void checkService(String service) {
        if (service != null && !service.isEmpty() && !service.equals(tokens.policy().service())) {
            throw new RegistryException(ErrorCode.INVALID_INPUT, "this token service issues tokens for service '"
                    + tokens.policy().service() + "', not '" + service + "'");
        }
    }

    private static ResponseEntity<Map<String, String>> oauthError(HttpStatus status, String error, String description) {
        return ResponseEntity.status(status).body(Map.of("error", error, "error_description", description));
    }
}
