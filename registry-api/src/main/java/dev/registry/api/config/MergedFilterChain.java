package dev.registry.api.config;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.catalina.Context;
import org.apache.catalina.Globals;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * Registers the application's servlet filters with Tomcat as one filter that runs them in their order, with their
 * URL patterns and dispatcher types matched inside it.
 *
 * <p>Why: Tomcat builds every request's filter chain by looking up each matching filter's configuration inside one
 * context-wide monitor ({@code StandardContext.findFilterConfig}); a {@code /v2} request matched about a dozen
 * filters, so a dozen acquisitions of that monitor per request. Under a node storm on virtual threads it was where
 * request threads queued (605 of ~1,500 in 30 thread dumps; docs/benchmarks.md, "Where the storm's tail comes from"
 * and "The storm's tail, again"); requests now run on platform threads, and every request still takes the monitor
 * once instead of a dozen times.
 *
 * <p>It runs as the last servlet container initializer, after Spring Boot's has added the filters and before Tomcat
 * starts them. It merges only when every filter is an instance mapped by URL patterns and supports async requests
 * (all of the application's are); otherwise it leaves Tomcat's configuration as it is and says why in the log.
 * Matching follows the Servlet specification (section 12.2: exact, {@code /path/*}, {@code *.ext}) on the same path
 * Tomcat matches filters against, and a filter mapped twice runs once, as in Tomcat's own chain.
 */
final class MergedFilterChain implements Filter {

    static final String NAME = "registryFilters";

    private static final Log log = LogFactory.getLog(MergedFilterChain.class);

    private final List<Member> members;

    private MergedFilterChain(List<Member> members) {
        this.members = List.copyOf(members);
    }

    /** The initializer that merges the filters of {@code context}; add it to the context before it starts. */
    static ServletContainerInitializer initializer(Context context) {
        return (classes, servletContext) -> merge(context);
    }

    static void merge(Context context) {
        FilterMap[] maps = context.findFilterMaps();
        if (maps.length < 2) {
            return;
        }
        List<Member> members = new ArrayList<>();
        for (FilterMap map : maps) {
            FilterDef def = context.findFilterDef(map.getFilterName());
            String refused = def == null ? "it has no definition"
                    : def.getFilter() == null ? "Tomcat instantiates it from a class name"
                    : !def.getAsyncSupportedBoolean() ? "it does not support async requests"
                    : map.getServletNames().length > 0 || map.getMatchAllServletNames() ? "it is mapped to servlet names"
                    : null;
            if (refused != null) {
                log.warn("Servlet filters left as Tomcat registered them (one context-wide lock per filter and request): filter '"
                        + map.getFilterName() + "' cannot be merged because " + refused);
                return;
            }
            members.add(new Member(def, map));
        }
        for (FilterMap map : maps) {
            context.removeFilterMap(map);
        }
        for (Member member : members) {
            FilterDef def = context.findFilterDef(member.name);
            if (def != null) {
                context.removeFilterDef(def);
            }
        }
        FilterDef merged = new FilterDef();
        merged.setFilterName(NAME);
        merged.setFilter(new MergedFilterChain(members));
        merged.setAsyncSupported("true");
        context.addFilterDef(merged);
        FilterMap all = new FilterMap();
        all.setFilterName(NAME);
        all.addURLPattern("/*");
        for (DispatcherType type : DispatcherType.values()) {
            all.setDispatcher(type.name());
        }
        context.addFilterMap(all);
    }

    /** The merged filters' names in the order they run, each once (for tests and diagnostics). */
    List<String> filterNames() {
        return members.stream().map(m -> m.name).distinct().toList();
    }

    @Override
    public void init(FilterConfig config) throws ServletException {
        List<Filter> started = new ArrayList<>();
        for (Member member : members) {
            if (!started.contains(member.filter)) {
                member.filter.init(member.config(config.getServletContext()));
                started.add(member.filter);
            }
        }
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Object attribute = request.getAttribute(Globals.DISPATCHER_REQUEST_PATH_ATTR);
        String path = attribute == null ? null : attribute.toString();
        DispatcherType dispatch = request.getDispatcherType();
        Filter[] matching = new Filter[members.size()];
        int count = 0;
        for (Member member : members) {
            if (member.matches(dispatch, path) && !contains(matching, count, member.filter)) {
                matching[count++] = member.filter;
            }
        }
        new Invocation(matching, count, chain).doFilter(request, response);
    }

    private static boolean contains(Filter[] filters, int count, Filter filter) {
        for (int i = 0; i < count; i++) {
            if (filters[i] == filter) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void destroy() {
        List<Filter> stopped = new ArrayList<>();
        for (Member member : members) {
            if (!stopped.contains(member.filter)) {
                stopped.add(member.filter);
                try {
                    member.filter.destroy();
                } catch (RuntimeException e) {
                    log.warn("Filter '" + member.name + "' failed to stop", e);
                }
            }
        }
    }

    /** Servlet specification 12.2: does {@code pattern} map {@code path} (the path within the application)? */
    static boolean urlPatternMatches(String pattern, String path) {
        if (path == null) {
            return false;
        }
        if (pattern.equals(path) || pattern.equals("/*")) {
            return true;
        }
        if (pattern.endsWith("/*")) {
            int prefix = pattern.length() - 2;
            return path.startsWith(pattern.substring(0, prefix)) && (path.length() == prefix || path.charAt(prefix) == '/');
        }
        if (pattern.startsWith("*.")) {
            int slash = path.lastIndexOf('/');
            int dot = path.lastIndexOf('.');
            return dot > slash && dot < path.length() - 1 && path.substring(dot + 1).equals(pattern.substring(2));
        }
        return false;
    }

    /** One mapping of one filter, as Tomcat held it. */
    private static final class Member {
        final String name;
        final Filter filter;
        final Map<String, String> parameters;
        final Set<DispatcherType> dispatches;
        final boolean allPaths;
        final String[] patterns;

        Member(FilterDef def, FilterMap map) {
            this.name = def.getFilterName();
            this.filter = def.getFilter();
            this.parameters = Map.copyOf(def.getParameterMap());
            int mapping = map.getDispatcherMapping();
            EnumSet<DispatcherType> types = EnumSet.noneOf(DispatcherType.class);
            if ((mapping & FilterMap.REQUEST) != 0) {
                types.add(DispatcherType.REQUEST);
            }
            if ((mapping & FilterMap.FORWARD) != 0) {
                types.add(DispatcherType.FORWARD);
            }
            if ((mapping & FilterMap.INCLUDE) != 0) {
                types.add(DispatcherType.INCLUDE);
            }
            if ((mapping & FilterMap.ERROR) != 0) {
                types.add(DispatcherType.ERROR);
            }
            if ((mapping & FilterMap.ASYNC) != 0) {
                types.add(DispatcherType.ASYNC);
            }
            this.dispatches = types;
            this.allPaths = map.getMatchAllUrlPatterns();
            this.patterns = map.getURLPatterns().clone();
        }

        boolean matches(DispatcherType dispatch, String path) {
            if (!dispatches.contains(dispatch)) {
                return false;
            }
            if (allPaths) {
                return true;
            }
            for (String pattern : patterns) {
                if (urlPatternMatches(pattern, path)) {
                    return true;
                }
            }
            return false;
        }

        FilterConfig config(ServletContext servletContext) {
            return new FilterConfig() {
                @Override
                public String getFilterName() {
                    return name;
                }

                @Override
                public ServletContext getServletContext() {
                    return servletContext;
                }

                @Override
                public String getInitParameter(String parameter) {
                    return parameters.get(parameter);
                }

                @Override
                public Enumeration<String> getInitParameterNames() {
                    return Collections.enumeration(parameters.keySet());
                }
            };
        }
    }

    /** The matching filters of one request, then the rest of Tomcat's chain (the servlet). */
    private static final class Invocation implements FilterChain {
        private final Filter[] filters;
        private final int count;
        private final FilterChain next;
        private int position;

        Invocation(Filter[] filters, int count, FilterChain next) {
            this.filters = filters;
            this.count = count;
            this.next = next;
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response) throws IOException, ServletException {
            if (position < count) {
                filters[position++].doFilter(request, response, this);
            } else {
                next.doFilter(request, response);
            }
        }
    }
}
