package dev.registry.web;

import java.util.List;

/**
 * Where the console lives. Spring Security's filter chain and Spring Session's filter run on these
 * paths only: {@code /v2}, {@code /api}, the token service and the actuator never pay for them, and
 * their answers (OCI error JSON, problem JSON) stay exactly as they are. {@code /} itself redirects
 * to the projects page.
 */
public final class ConsolePaths {

    public static final String LOGIN = "/login";
    public static final String LOGOUT = "/logout";
    public static final String PROJECTS = "/projects";
    public static final String ADMIN = "/admin";
    public static final String ACCOUNT = "/account";
    /** Projects and repositories by name (the header's search box). */
    public static final String SEARCH = "/search";
    /** The stylesheet, scripts, icon and WebJars of the console. */
    public static final String ASSETS = "/ui";
    /**
     * The icon browsers ask for by themselves (viewing a JSON answer, say): the console's SVG icon.
     * Deliberately outside {@link #FILTER_PATTERNS}: it needs no sign-in and touches no session.
     */
    public static final String FAVICON = "/favicon.ico";

    /** Servlet filter URL patterns covering every console path. */
    public static final List<String> FILTER_PATTERNS = List.of(LOGIN, LOGOUT, PROJECTS, PROJECTS + "/*", ADMIN, ADMIN + "/*",
            ACCOUNT, ACCOUNT + "/*", SEARCH, ASSETS + "/*");

    /** Ant-style patterns of the same paths, for the security filter chain's matcher. */
    public static final String[] MATCHER_PATTERNS = {LOGIN, LOGOUT, PROJECTS, PROJECTS + "/**", ADMIN, ADMIN + "/**",
            ACCOUNT, ACCOUNT + "/**", SEARCH, ASSETS + "/**"};

    private ConsolePaths() {
    }
}
