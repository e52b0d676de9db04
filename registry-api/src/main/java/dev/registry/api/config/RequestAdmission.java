package dev.registry.api.config;

import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.springframework.context.SmartLifecycle;

/**
 * Lets at most {@code registry.http.max-active-requests} requests (8 per core by default) run through Tomcat's
 * container and the application at once; the others wait before it on a fair semaphore, in arrival order.
 *
 * <p>Why: on 2 cores, 64 clients' requests all runnable at once spent the CPU switching between threads and queued on
 * every lock of the request path (docs/benchmarks.md, "The storm's tail, again": a node storm's p99 went from 4.1 s
 * to 1.0 s with 16 admitted at once, on virtual threads; on Tomcat's platform threads its slowest pull went from
 * 10-33 s to about 1 s). A request that moves a large blob's bytes gives its place back before the transfer
 * ({@link #releaseForTransfer}), so slow clients downloading or uploading layers never keep the small requests out;
 * they hold a Tomcat thread only ({@code server.tomcat.threads.max}).
 */
public final class RequestAdmission extends ValveBase {

    /** Bodies above this size (1 MiB) are transfers that give the request's admission back. */
    public static final long LONG_TRANSFER = 1 << 20;

    private static final String PERMIT = RequestAdmission.class.getName() + ".permit";

    private final Semaphore permits;
    /** Requests in this valve: waiting for admission, admitted, or past their transfer's release. */
    private final AtomicInteger inside = new AtomicInteger();

    RequestAdmission(int permits) {
        super(true);
        this.permits = new Semaphore(permits, true);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        inside.incrementAndGet();
        try {
            permits.acquireUninterruptibly();
            Permit permit = new Permit(permits);
            request.setAttribute(PERMIT, permit);
            try {
                getNext().invoke(request, response);
            } finally {
                request.removeAttribute(PERMIT);
                permit.release();
            }
        } finally {
            inside.decrementAndGet();
        }
    }

    /** Requests in this valve now, the waiting ones included. */
    int inside() {
        return inside.get();
    }

    /**
     * Keeps the web server from stopping while requests are still in this valve. Spring Boot's graceful shutdown waits
     * only for requests that reached a servlet; one still waiting here for its admission when that wait ends would
     * have its connection closed under it by the server's stop (a 502 behind a proxy). Stopped after the graceful
     * shutdown (phase {@code DEFAULT_PHASE - 1024}) and before the web server (phase {@code DEFAULT_PHASE - 2048}), it
     * waits until the valve is empty, at most {@code timeout}.
     */
    static SmartLifecycle finishBeforeTheServerStops(RequestAdmission admission, Duration timeout) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                running = true;
            }

            @Override
            public void stop() {
                long deadline = System.nanoTime() + timeout.toNanos();
                try {
                    while (admission.inside() > 0 && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    running = false;
                }
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            @Override
            public int getPhase() {
                return SmartLifecycle.DEFAULT_PHASE - 1536;
            }

            @Override
            public boolean isPauseable() {
                return false; // only for the server's stop
            }
        };
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
