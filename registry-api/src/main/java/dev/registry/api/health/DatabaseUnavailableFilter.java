package dev.registry.api.health;

import dev.registry.api.distribution.OciErrors;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * The outermost filter of {@code /v2}, {@code /service/token} and {@code /api}: a database outage
 * raised where no exception handler sees it (the authentication and access filters, the token
 * endpoint) leaves as 503 {@code UNAVAILABLE} with {@code Retry-After}, in the OCI error envelope on
 * {@code /v2} and the token endpoint and in RFC 9457 problem JSON on {@code /api}; not as a 500 in
 * the servlet container's format. Controllers' own outages are answered the same way by their
 * exception handlers, which use the same test ({@link DatabaseUnavailable}). Any other failure
 * passes through untouched, as does one raised after the response was committed (nothing can be
 * said then).
 */
public class DatabaseUnavailableFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(DatabaseUnavailableFilter.class);
    static final String MESSAGE = "the registry's database is unavailable; retry later";

    private final OciErrors errors;
    private final ObjectMapper json;

    public DatabaseUnavailableFilter(OciErrors errors, ObjectMapper json) {
        this.errors = errors;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (ServletException | RuntimeException e) {
            if (!DatabaseUnavailable.isCause(e) || response.isCommitted()) {
                throw e;
            }
            log.warn("database unavailable: {} {} answered 503 ({})", request.getMethod(), request.getRequestURI(), rootMessage(e));
            response.reset();
            write(request, response);
        }
    }

    private void write(HttpServletRequest request, HttpServletResponse response) throws IOException {
        RegistryException unavailable = new RegistryException(ErrorCode.UNAVAILABLE, MESSAGE);
        if (!request.getRequestURI().startsWith("/api/")) {
            errors.write(response, unavailable);
            return;
        }
        HttpStatus status = OciErrors.status(ErrorCode.UNAVAILABLE);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, MESSAGE);
        problem.setInstance(URI.create(request.getRequestURI()));
        problem.setProperty("code", ErrorCode.UNAVAILABLE.name());
        response.setStatus(status.value());
        response.setHeader("Retry-After", Long.toString(OciErrors.UNAVAILABLE_RETRY_AFTER_SECONDS));
        response.setContentType("application/problem+json");
        json.writeValue(response.getOutputStream(), problem);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
