package dev.registry.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.util.ArrayList;
import java.util.List;
import org.apache.catalina.Globals;
import org.apache.catalina.core.StandardContext;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * {@link MergedFilterChain}: the filters Tomcat would have chained for a request, in the same order, run inside one
 * registered filter (Servlet specification 6.2.4 for the order, 12.2 for URL patterns).
 */
class MergedFilterChainTest {

    private final List<String> ran = new ArrayList<>();

    /** Servlet 6.1, section 12.2: exact, path-prefix ({@code /x/*}) and extension ({@code *.ext}) patterns. */
    @Test
    void urlPatternsFollowTheServletSpecification() {
        assertThat(MergedFilterChain.urlPatternMatches("/v2", "/v2")).isTrue();
        assertThat(MergedFilterChain.urlPatternMatches("/v2", "/v2/")).isFalse();
        assertThat(MergedFilterChain.urlPatternMatches("/v2/*", "/v2")).isTrue();
        assertThat(MergedFilterChain.urlPatternMatches("/v2/*", "/v2/")).isTrue();
        assertThat(MergedFilterChain.urlPatternMatches("/v2/*", "/v2/a/manifests/x")).isTrue();
        assertThat(MergedFilterChain.urlPatternMatches("/v2/*", "/v20")).isFalse();
        assertThat(MergedFilterChain.urlPatternMatches("/v2/*", "/api/v2")).isFalse();
        assertThat(MergedFilterChain.urlPatternMatches("/*", "/anything")).isTrue();
        assertThat(MergedFilterChain.urlPatternMatches("*.js", "/console/app.js")).isTrue();
        assertThat(MergedFilterChain.urlPatternMatches("*.js", "/console/app.json")).isFalse();
        assertThat(MergedFilterChain.urlPatternMatches("*.js", "/console.js/app")).isFalse();
        assertThat(MergedFilterChain.urlPatternMatches("*.js", "/console/app.")).isFalse();
        assertThat(MergedFilterChain.urlPatternMatches("/v2", null)).isFalse();
    }

    @Test
    void runsTheFiltersTomcatWouldHaveChainedInTheirOrderEachOnce() throws Exception {
        StandardContext context = new StandardContext();
        Filter first = add(context, "first", "/v2/*", "/v2");
        Filter second = add(context, "second", "/api/*");
        Filter third = add(context, "third", "/*");
        mapAgain(context, "first", "/token"); // a second mapping of one filter: still runs once
        add(context, "errors", "/*");
        context.findFilterMaps()[4].setDispatcher(DispatcherType.ERROR.name()); // error dispatches only

        MergedFilterChain.merge(context);

        assertThat(context.findFilterMaps()).hasSize(1);
        assertThat(context.findFilterMaps()[0].getURLPatterns()).containsExactly("/*");
        assertThat(context.findFilterMaps()[0].getDispatcherNames()).hasSize(DispatcherType.values().length);
        MergedFilterChain merged = (MergedFilterChain) context.findFilterDef(MergedFilterChain.NAME).getFilter();
        assertThat(merged.filterNames()).containsExactly("first", "second", "third", "errors");
        assertThat(context.findFilterDef("first")).isNull();
        assertThat(first).isNotSameAs(second).isNotSameAs(third);

        assertThat(run(merged, DispatcherType.REQUEST, "/v2/team/app/manifests/v1")).containsExactly("first", "third", "servlet");
        assertThat(run(merged, DispatcherType.REQUEST, "/v2")).containsExactly("first", "third", "servlet");
        assertThat(run(merged, DispatcherType.REQUEST, "/api/v1/projects")).containsExactly("second", "third", "servlet");
        // matched by its second mapping, which comes after third's: Tomcat chains in mapping order
        assertThat(run(merged, DispatcherType.REQUEST, "/token")).containsExactly("third", "first", "servlet");
        assertThat(run(merged, DispatcherType.ERROR, "/error")).containsExactly("errors", "servlet");
    }

    @Test
    void leavesTomcatsFiltersAloneWhenOneCannotBeMerged() {
        StandardContext context = new StandardContext();
        add(context, "first", "/*");
        FilterDef byClass = new FilterDef();
        byClass.setFilterName("byClass");
        byClass.setFilterClass(Recording.class.getName());
        byClass.setAsyncSupported("true");
        context.addFilterDef(byClass);
        FilterMap map = new FilterMap();
        map.setFilterName("byClass");
        map.addURLPattern("/*");
        context.addFilterMap(map);

        MergedFilterChain.merge(context);

        assertThat(context.findFilterMaps()).extracting(FilterMap::getFilterName).containsExactly("first", "byClass");
    }

    private List<String> run(MergedFilterChain merged, DispatcherType type, String path) throws Exception {
        ran.clear();
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        request.setDispatcherType(type);
        request.setAttribute(Globals.DISPATCHER_REQUEST_PATH_ATTR, path);
        merged.doFilter(request, new MockHttpServletResponse(), (req, res) -> ran.add("servlet"));
        return List.copyOf(ran);
    }

    private Filter add(StandardContext context, String name, String... patterns) {
        Filter filter = new Recording(name, ran);
        FilterDef def = new FilterDef();
        def.setFilterName(name);
        def.setFilter(filter);
        def.setAsyncSupported("true");
        context.addFilterDef(def);
        mapAgain(context, name, patterns);
        return filter;
    }

    private static void mapAgain(StandardContext context, String name, String... patterns) {
        FilterMap map = new FilterMap();
        map.setFilterName(name);
        for (String pattern : patterns) {
            map.addURLPattern(pattern);
        }
        context.addFilterMap(map);
    }

    public static final class Recording implements Filter {
        private final String name;
        private final List<String> ran;

        public Recording() {
            this("byClass", new ArrayList<>());
        }

        Recording(String name, List<String> ran) {
            this.name = name;
            this.ran = ran;
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws java.io.IOException, jakarta.servlet.ServletException {
            ran.add(name);
            chain.doFilter(request, response);
        }
    }
}
