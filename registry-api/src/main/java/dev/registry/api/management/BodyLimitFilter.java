package dev.registry.api.management;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * Bounds the request bodies of the management API ({@code registry.api.max-body-size}, 1 MB): its
 * bodies are small JSON documents, and a body of hundreds of megabytes (a retention policy with
 * millions of rules) would be parsed into memory on a request thread, costing the heap and the
 * carrier threads every other request needs (issue 11, security 2). A declared
 * {@code Content-Length} over the bound is refused before anything is read; a body without one is
 * read through a counter that refuses it once it passes the bound. Either way: 413 problem JSON
 * with code {@code BODY_TOO_LARGE}, and nothing is stored.
 */
class BodyLimitFilter extends OncePerRequestFilter {

    private final long maxBytes;
    private final ObjectMapper json;

    BodyLimitFilter(long maxBytes, ObjectMapper json) {
        this.maxBytes = maxBytes;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > maxBytes) {
            ApiProblems.write(response, json, HttpStatus.CONTENT_TOO_LARGE, ErrorCode.BODY_TOO_LARGE, tooLarge(), request);
            return;
        }
        chain.doFilter(request.getContentLengthLong() < 0 ? new Bounded(request) : request, response);
    }

    private String tooLarge() {
        return "the request body is larger than " + maxBytes + " bytes, the most the management API reads"
                + " (registry.api.max-body-size)";
    }

    /** A request whose body stops with {@code BODY_TOO_LARGE} (413, see ManagementErrors) past the bound. */
    private final class Bounded extends HttpServletRequestWrapper {

        private ServletInputStream bounded;

        Bounded(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (bounded == null) {
                ServletInputStream in = super.getInputStream();
                bounded = new ServletInputStream() {
                    private long read;

                    @Override
                    public int read() throws IOException {
                        int b = in.read();
                        count(b < 0 ? 0 : 1);
                        return b;
                    }

                    @Override
                    public int read(byte[] buffer, int offset, int length) throws IOException {
                        int n = in.read(buffer, offset, length);
                        count(Math.max(n, 0));
                        return n;
                    }

                    private void count(int n) {
                        read += n;
                        if (read > maxBytes) {
                            throw new RegistryException(ErrorCode.BODY_TOO_LARGE, tooLarge());
                        }
                    }

                    @Override
                    public boolean isFinished() {
                        return in.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return in.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        in.setReadListener(listener);
                    }
                };
            }
            return bounded;
        }
    }
}
