package dev.registry.api.distribution;

import dev.registry.api.distribution.RepositoryPathFilter.Resource;
import dev.registry.api.security.Authenticated;
import dev.registry.api.security.Challenges;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.access.AccessService;
import dev.registry.core.access.Action;
import dev.registry.core.access.CredentialService;
import dev.registry.core.access.Principal;
import dev.registry.core.access.ProjectAccess;
import dev.registry.core.access.ProjectCreator;
import dev.registry.core.access.VerifiedToken;
import dev.registry.core.artifact.RepositoryName;
import dev.registry.core.upload.UploadService;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Decides every {@code /v2} request before a controller sees it, from {@link RequiredAccess}'s
 * table and the one access decision ({@link AccessService}).
 *
 * <ul>
 * <li>With a bearer token, the token's {@code access} claim must grant the scope action; deletes
 *     are also checked against the caller's current role (tag vs artifact deletion).</li>
 * <li>With Basic credentials or none, the caller's current access in the project decides.</li>
 * <li>Refused anonymous requests, and tokens that lack a scope the caller could have, get 401 with
 *     a {@code Bearer} challenge naming the scope, so clients fetch a token; a signed-in caller
 *     who may not do it gets 403 {@code DENIED} saying why.</li>
 * <li>A push into a project that does not exist creates it only when {@code registry.projects.
 *     create-on-push} is on and the caller may create projects.</li>
 * <li>An upload started with a token can be continued and finished with that token after it
 *     expired, by the same principal (long pushes, Harbor #18860), as long as the current access
 *     decision still lets that principal push into the repository.</li>
 * </ul>
 */
public class DistributionAccessFilter extends OncePerRequestFilter {

    /** Request attribute: which repositories a cross-repository mount may read from ({@code Predicate<String>}). */
    public static final String MAY_PULL = "dev.registry.api.may-pull";
    /** Request attribute: ids of projects whose repositories the catalog may list ({@code null}: all). */
    public static final String CATALOG_PROJECTS = "dev.registry.api.catalog-projects";

    private final AccessService access;
    private final ProjectCreator creator;
    private final CredentialService credentials;
    private final UploadService uploads;
    private final Challenges challenges;
    private final OciErrors errors;

    public DistributionAccessFilter(AccessService access, ProjectCreator creator, CredentialService credentials,
                                    UploadService uploads, Challenges challenges, OciErrors errors) {
        this.access = access;
        this.creator = creator;
        this.credentials = credentials;
        this.uploads = uploads;
        this.challenges = challenges;
        this.errors = errors;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            if (authorize(request, response)) {
                chain.doFilter(request, response);
            }
        } catch (RegistryException e) {
            errors.write(response, e);
        }
    }

    /** True to let the request through; false when a refusal was written. */
    private boolean authorize(HttpServletRequest request, HttpServletResponse response) throws IOException {
        RepositoryName name = (RepositoryName) request.getAttribute(RepositoryPathFilter.REPOSITORY);
        VerifiedToken expired = Authenticated.expiredToken(request);
        if (name == null) {
            return authorizeBaseOrCatalog(request, response, expired);
        }
        Resource resource = (Resource) request.getAttribute(RepositoryPathFilter.RESOURCE);
        String reference = (String) request.getAttribute(RepositoryPathFilter.REFERENCE);
        RequiredAccess required = RequiredAccess.of(resource, request.getMethod(), reference);
        if (required == null) {
            return true; // the dispatcher answers 405
        }
        String scope = "repository:" + name + ":" + (required == RequiredAccess.PUSH ? "pull,push" : required.scopeAction());
        if (expired != null) {
            return continueWithExpiredToken(request, response, name, resource, reference, expired, scope);
        }
        Principal principal = Authenticated.principal(request);
        VerifiedToken token = Authenticated.token(request);
        request.setAttribute(MAY_PULL, mayPull(principal, token));
        // the challenge also names pull on a mount's source, for clients to ask for both (as Distribution does)
        String challenged = scope + mountSourceScope(request, principal, name, resource);
        if (token != null && token.grants(name.value(), required.scopeAction())) {
            if (required.scopeAction().equals("delete")) {
                // "delete" covers tags and artifacts: the caller's role says which it may delete
                ProjectAccess current = access.access(principal, name.project());
                if (!current.may(required.action())) {
                    return deny(request, response, principal, current, required, challenged, false);
                }
            }
            createProjectOnPush(principal, name, resource, request.getMethod());
            return true;
        }
        ProjectAccess current = access.access(principal, name.project());
        boolean may = current.may(required.action()) || mayCreateOnPush(principal, current, required);
        if (token == null && may) {
            createProjectOnPush(principal, name, resource, request.getMethod());
            return true;
        }
        // a token without the scope: if the caller could have it, ask for a new token
        return deny(request, response, principal, current, required, challenged, token != null && may);
    }

    private boolean authorizeBaseOrCatalog(HttpServletRequest request, HttpServletResponse response, VerifiedToken expired)
            throws IOException {
        boolean catalog = request.getRequestURI().startsWith("/v2/_catalog");
        if (expired != null) {
            return challenge(request, response, catalog ? "registry:catalog:*" : null, false,
                    "the bearer token expired at " + expired.expiresAt());
        }
        if (!catalog) {
            // the version check tells clients where to authenticate (spec: 401 when auth is configured)
            return Authenticated.hasCredentials(request) || challenge(request, response, null, false,
                    "authentication required; sign in with docker login or send Basic credentials");
        }
        VerifiedToken token = Authenticated.token(request);
        if (token != null && token.access().stream().noneMatch(g -> g.type().equals("registry") && g.name().equals("catalog"))) {
            return challenge(request, response, "registry:catalog:*", true, "the token does not grant registry:catalog:*");
        }
        request.setAttribute(CATALOG_PROJECTS, access.pullableProjects(Authenticated.principal(request)));
        return true;
    }

    private boolean continueWithExpiredToken(HttpServletRequest request, HttpServletResponse response, RepositoryName name,
                                             Resource resource, String uploadId, VerifiedToken expired, String scope)
            throws IOException {
        if (resource == Resource.UPLOAD && expired.grants(name.value(), "push") && !expired.subject().isEmpty()) {
            Optional<String> startedBy = uploads.startedBy(name, uploadId);
            if (startedBy.isPresent() && startedBy.get().equals(expired.subject())) {
                // the principal must still be allowed to act (a disabled robot's upload stops), and the
                // current access decision must still let it push here (a removed member's upload stops)
                Principal principal = credentials.current(expired.kind(), expired.principalId(), expired.issuedAt());
                ProjectAccess current = access.access(principal, name.project());
                if (!current.may(Action.PUSH)) {
                    errors.write(response, new RegistryException(ErrorCode.DENIED, "the upload cannot continue: "
                            + access.explain(principal, current, Action.PUSH)));
                    return false;
                }
                Authenticated.setPrincipal(request, principal);
                return true;
            }
        }
        return challenge(request, response, scope, false, "the bearer token expired at " + expired.expiresAt());
    }

    private boolean mayCreateOnPush(Principal principal, ProjectAccess current, RequiredAccess required) {
        return required.action() == Action.PUSH && !current.exists() && access.policy().createOnPush()
                && access.mayCreateProject(principal);
    }

    private void createProjectOnPush(Principal principal, RepositoryName name, Resource resource, String method) {
        if (RequiredAccess.startsWrite(resource, method) && access.policy().createOnPush()) {
            creator.createOnPush(principal, name.project());
        }
    }

    /**
     * For {@code POST /v2/<dst>/blobs/uploads/?mount=<digest>&from=<src>}: {@code " repository:<src>:pull"}
     * (the canonical name) when the caller could be granted pull on the source, so that a client asking
     * for exactly the challenged scopes can mount; otherwise (no {@code from}, a source it may not pull,
     * which must not be revealed, an invalid name, the destination itself) nothing.
     */
    private String mountSourceScope(HttpServletRequest request, Principal principal, RepositoryName name, Resource resource) {
        String from = request.getParameter("from");
        if (resource != Resource.UPLOADS || !"POST".equals(request.getMethod()) || request.getParameter("mount") == null
                || from == null || from.isEmpty()) {
            return "";
        }
        RepositoryName source;
        try {
            source = new RepositoryName(from);
        } catch (RegistryException e) {
            return ""; // the controller answers the invalid name
        }
        if (source.equals(name) || !access.access(principal, source.project()).may(Action.PULL)) {
            return "";
        }
        return " repository:" + source + ":pull";
    }

    private Predicate<String> mayPull(Principal principal, VerifiedToken token) {
        return source -> token != null ? token.grants(source, "pull")
                : access.access(principal, new RepositoryName(source).project()).may(Action.PULL);
    }

    /**
     * The refusal: anonymous callers and tokens that could be widened get a challenge; a signed-in
     * caller reading a project that does not exist or that it cannot see gets {@code NAME_UNKNOWN},
     * in the same words for both (a system admin's read in a project that does not exist goes on to
     * the controller, which answers what is unknown), and everything else {@code DENIED} with the reason (again the same
     * words for a project that does not exist and one it cannot see).
     */
    private boolean deny(HttpServletRequest request, HttpServletResponse response, Principal principal, ProjectAccess current,
                         RequiredAccess required, String scope, boolean newTokenWouldDo) throws IOException {
        if (principal.isAnonymous() || newTokenWouldDo) {
            return challenge(request, response, scope, newTokenWouldDo,
                    principal.isAnonymous() ? "authentication required to " + required.action().wireName().replace('-', ' ')
                            + " in " + current.project() : "the token does not grant " + scope.split(" ", 2)[0]);
        }
        boolean write = required.action() != Action.PULL;
        if (!current.exists() && !write && principal instanceof Principal.User user && user.systemAdmin()) {
            return true; // a system admin sees every project: the controller answers what is unknown
        }
        // a project that does not exist and one the caller may not see get the same answer (issue 11, security 7)
        boolean invisible = !current.exists() || current.actions().isEmpty();
        if (invisible && !write) {
            errors.write(response, new RegistryException(ErrorCode.NAME_UNKNOWN, "repository " + request.getAttribute(
                    RepositoryPathFilter.REPOSITORY) + " is not known, or its project is not visible to " + principal.name()));
            return false;
        }
        errors.write(response, new RegistryException(ErrorCode.DENIED, access.explain(principal, current, required.action())));
        return false;
    }

    /** @param scopes the scope(s) to name, space-separated; the error detail names the first (the request's own) */
    private boolean challenge(HttpServletRequest request, HttpServletResponse response, String scopes, boolean insufficient,
                              String message) throws IOException {
        response.setHeader("WWW-Authenticate", challenges.bearer(request, scopes, insufficient));
        String scope = scopes == null ? null : scopes.split(" ", 2)[0];
        errors.write(response, new RegistryException(ErrorCode.UNAUTHORIZED, message,
                scope == null ? null : List.of(java.util.Map.of("Type", scope.substring(0, scope.indexOf(':')),
                        "Name", scope.substring(scope.indexOf(':') + 1, scope.lastIndexOf(':')),
                        "Action", scope.substring(scope.lastIndexOf(':') + 1)))));
        return false;
    }
}
