package dev.registry.api.distribution;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.artifact.RepositoryName;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Splits {@code /v2/<name>/<resource>/...} where {@code <name>} has any number of path
 * components (which Spring's path patterns cannot express), validates the name against the
 * spec's grammar, and hands the request on under an internal path ({@code /v2/-/<resource>}, one fixed path per
 * {@link Resource}) with the {@link RepositoryName} as the request attribute {@link #REPOSITORY} and the segment
 * after the resource (tag, digest or upload id) as {@link #REFERENCE} ({@link PathReference} hands it to a handler).
 *
 * <p>The internal paths hold no variable, so Spring MVC finds their handlers by a direct lookup; a pattern such as
 * {@code /v2/-/manifests/{reference}} made it test the request against every mapping of the application (the
 * management API's and the console's too) on every pull: a tenth of a manifest GET's CPU (issue 15's profile).
 *
 * <p>It matches the raw request URI, before the container decodes or normalises it, so a name
 * with {@code ..} or {@code %2F} is refused as {@code NAME_INVALID} instead of silently naming
 * another repository. Every {@code /v2} response carries {@code Docker-Distribution-API-Version}.
 *
 * <p>A request through a mirror (containerd and CRI-O add {@code ?ns=<registry host>} when they pull
 * {@code docker.io/library/nginx} from a mirror) names the repository as the upstream does: it is read inside the
 * proxy project that serves that host ({@code ProxyService#projectMirroring}), {@code library/nginx} as
 * {@code <project>/library/nginx}, so a cluster uses the cache without rewriting an image name.
 */
public class RepositoryPathFilter extends OncePerRequestFilter {

    public static final String REPOSITORY = "dev.registry.api.repository";
    /** The {@link Resource} a repository request addresses. */
    public static final String RESOURCE = "dev.registry.api.resource";
    /** The path segment after the resource (digest, tag or upload id), when there is one. */
    public static final String REFERENCE = "dev.registry.api.reference";
    /** Prefix of the internal paths controllers map; unreachable from outside ('-' is no valid name). */
    public static final String INTERNAL = "/v2/-";
    /** The internal path of each {@link Resource}, which its handlers map. */
    public static final String UPLOADS_PATH = INTERNAL + "/uploads", UPLOAD_PATH = INTERNAL + "/upload",
            BLOB_PATH = INTERNAL + "/blob", MANIFEST_PATH = INTERNAL + "/manifest", TAGS_PATH = INTERNAL + "/tags",
            REFERRERS_PATH = INTERNAL + "/referrers";

    /**
     * What a repository request addresses: the internal path its handlers map, and the route as clients see it
     * (the {@code uri} label of the request metrics).
     */
    public enum Resource {
        UPLOADS(UPLOADS_PATH, "/v2/{name}/blobs/uploads/"),
        UPLOAD(UPLOAD_PATH, "/v2/{name}/blobs/uploads/{id}"),
        BLOB(BLOB_PATH, "/v2/{name}/blobs/{digest}"),
        MANIFEST(MANIFEST_PATH, "/v2/{name}/manifests/{reference}"),
        TAGS(TAGS_PATH, "/v2/{name}/tags/list"),
        REFERRERS(REFERRERS_PATH, "/v2/{name}/referrers/{digest}");

        private final String internal;
        private final String template;

        Resource(String internal, String template) {
            this.internal = internal;
            this.template = template;
        }

        /** The internal path its handlers map. */
        public String internalPath() {
            return internal;
        }

        /** The route as clients see it, without name or reference: {@code /v2/{name}/manifests/{reference}}. */
        public String template() {
            return template;
        }
    }

    private record Route(Pattern pattern, Resource resource) {
    }

    // order matters: "blobs/uploads" before "blobs/<digest>"
    private static final List<Route> ROUTES = List.of(
            new Route(Pattern.compile("^/v2/(.+)/blobs/uploads/?$"), Resource.UPLOADS),
            new Route(Pattern.compile("^/v2/(.+)/blobs/uploads/([^/]+)$"), Resource.UPLOAD),
            new Route(Pattern.compile("^/v2/(.+)/blobs/([^/]+)$"), Resource.BLOB),
            new Route(Pattern.compile("^/v2/(.+)/manifests/([^/]+)$"), Resource.MANIFEST),
            new Route(Pattern.compile("^/v2/(.+)/tags/list$"), Resource.TAGS),
            new Route(Pattern.compile("^/v2/(.+)/referrers/([^/]+)$"), Resource.REFERRERS));

    private final OciErrors errors;
    private final Function<String, Optional<String>> mirrors;

    /** @param mirrors the proxy project serving mirror pulls of a registry host ({@code ?ns=}), if any */
    public RepositoryPathFilter(OciErrors errors, Function<String, Optional<String>> mirrors) {
        this.errors = errors;
        this.mirrors = mirrors;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("Docker-Distribution-API-Version", "registry/2.0");
        String uri = request.getRequestURI();
        if (uri.equals("/v2") || uri.equals("/v2/") || uri.equals("/v2/_catalog")) {
            chain.doFilter(request, response);
            return;
        }
        for (Route route : ROUTES) {
            Matcher m = route.pattern().matcher(uri);
            if (m.matches()) {
                RepositoryName name;
                try {
                    name = parseName(m.group(1));
                    String ns = namespace(request);
                    if (ns != null) {
                        name = inMirroringProject(name, ns);
                    }
                } catch (RegistryException e) {
                    errors.write(response, e);
                    return;
                }
                request.setAttribute(REPOSITORY, name);
                request.setAttribute(RESOURCE, route.resource());
                if (m.groupCount() > 1) {
                    request.setAttribute(REFERENCE, m.group(2));
                }
                chain.doFilter(new InternalPath(request, route.resource().internalPath()), response);
                return;
            }
        }
        errors.write(response, new RegistryException(ErrorCode.ENDPOINT_UNKNOWN,
                "no OCI distribution endpoint at " + uri));
    }

    /** The {@code ns} query parameter, when the query has one (read without parsing the query for every request). */
    private static String namespace(HttpServletRequest request) {
        String query = request.getQueryString();
        if (query == null || !query.contains("ns=")) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("ns=")) {
                return URLDecoder.decode(pair.substring(3), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** The repository a mirror pull of {@code ns} means; {@code NAME_UNKNOWN} when no proxy project serves that host. */
    private RepositoryName inMirroringProject(RepositoryName name, String ns) {
        String project = mirrors.apply(ns).orElseThrow(() -> new RegistryException(ErrorCode.NAME_UNKNOWN,
                "no proxy project serves pulls of " + ns + " through this mirror; create one bound to an endpoint of " + ns
                        + " (or set its mirrorOf to " + ns + ")"));
        return new RepositoryName(project + "/" + name.value());
    }

    private static RepositoryName parseName(String raw) {
        if (raw.indexOf('%') >= 0) {
            throw new RegistryException(ErrorCode.NAME_INVALID,
                    "repository name '" + raw + "' contains an escaped character; use plain '/' between components");
        }
        return new RepositoryName(raw);
    }

    /**
     * The request as the dispatcher sees it: the internal path instead of the client's, and
     * parameters from the query string only. (A blob pushed with a form content type must not
     * have its bytes parsed as form fields: every OCI parameter is in the query string.)
     */
    private static final class InternalPath extends HttpServletRequestWrapper {
        private final String path;
        private Map<String, String[]> parameters;

        InternalPath(HttpServletRequest request, String path) {
            super(request);
            this.path = path;
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            if (parameters == null) {
                Map<String, String[]> parsed = new LinkedHashMap<>();
                UriComponentsBuilder.newInstance().query(getQueryString()).build().getQueryParams().forEach((name, values) ->
                        parsed.put(decode(name), values.stream().map(v -> v == null ? "" : decode(v)).toArray(String[]::new)));
                parameters = Collections.unmodifiableMap(parsed);
            }
            return parameters;
        }

        @Override
        public String getParameter(String name) {
            String[] values = getParameterMap().get(name);
            return values == null || values.length == 0 ? null : values[0];
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.enumeration(getParameterMap().keySet());
        }

        @Override
        public String[] getParameterValues(String name) {
            return getParameterMap().get(name);
        }

        private static String decode(String value) {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        }

        @Override
        public String getRequestURI() {
            return path;
        }

        @Override
        public String getServletPath() {
            return path;
        }

        @Override
        public String getPathInfo() {
            return null;
        }
    }
}
