package dev.registry.api.edge;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Keeps Spring MVC's reflected-file-download guard off the API answers (issue 12, item 4). When a
 * body goes through a message converter and the request path ends in an "extension" Spring does
 * not know (a tag {@code v1.2.3}, a name {@code no.such.project}), Spring adds
 * {@code Content-Disposition: inline;filename=f.txt}. The paths here are API resources, never
 * files, every body is JSON or a manifest with its own media type, and registry clients (and
 * Distribution) send no such header; so that one value is dropped. Any other
 * {@code Content-Disposition} a controller sets passes unchanged.
 */
public class NoDownloadDispositionFilter extends OncePerRequestFilter {

    /** The exact value Spring's {@code AbstractMessageConverterMethodProcessor} adds. */
    static final String GUARD = "inline;filename=f.txt";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(request, new HttpServletResponseWrapper(response) {
            @Override
            public void setHeader(String name, String value) {
                if (!isGuard(name, value)) {
                    super.setHeader(name, value);
                }
            }

            @Override
            public void addHeader(String name, String value) {
                if (!isGuard(name, value)) {
                    super.addHeader(name, value);
                }
            }
        });
    }

    private static boolean isGuard(String name, String value) {
        return HttpHeaders.CONTENT_DISPOSITION.equalsIgnoreCase(name) && GUARD.equals(value);
    }
}
