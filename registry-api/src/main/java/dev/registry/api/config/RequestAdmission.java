package dev.registry.api.config;

import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * Lets at most {@code registry.http.max-active-requests} requests (8 per core by default) run through Tomcat's
 * container and the application at once; the others wait before it on a fair semaphore, in arrival order.
 *
 * <p>Why: on 2 cores, 64 clients' requests all runnable at once spent the CPU switching between threads and queued on
 * every lock of the request path (docs/benchmarks.md, "The storm's tail, again": a node storm's p99 went from 4.1 s
 * to 1.0 s with 16 admitted at once). A request that moves a large blob's bytes gives its place back before the
 * transfer ({@link #releaseForTransfer}), so slow clients downloading or uploading layers never keep the small
 * requests out; they hold a Tomcat thread only ({@code server.tomcat.threads.max}).
 */
public final class RequestAdmission extends ValveBase {

    /** Bodies above this size (1 MiB) are transfers that give the request's admission back. */
    public static final long LONG_TRANSFER = 1 << 20;

    private static final String PERMIT = RequestAdmission.class.getName() + ".permit";

    private final Semaphore permits;

    RequestAdmission(int permits) {
        super(true);
        this.permits = new Semaphore(permits, true);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        permits.acquireUninterruptibly();
        Permit permit = new Permit(permits);
        request.setAttribute(PERMIT, permit);
        try {
            getNext().invoke(request, response);
        } finally {
            request.removeAttribute(PERMIT);
            permit.release();
        }
    }

    /**
     * Gives the request's admission back before a long transfer (a blob's bytes to or from the client), which waits on
     * the network more than it uses the CPU; the request goes on without one. Does nothing the second time.
     */
    public static void releaseForTransfer(ServletRequest request) {
        if (request.getAttribute(PERMIT) instanceof Permit permit) {
            permit.release();
        }
    }

    /** Admissions free now (for tests). */
    int available() {
        return permits.availablePermits();
    }

    /** Requests waiting to be admitted. */
    int waiting() {
        return permits.getQueueLength();
    }

    private static final class Permit {
        private final Semaphore permits;
        private final AtomicBoolean released = new AtomicBoolean();

        Permit(Semaphore permits) {
            this.permits = permits;
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                permits.release();
            }
        }
    }
}
