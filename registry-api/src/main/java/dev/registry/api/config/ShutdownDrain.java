package dev.registry.api.config;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A stop that no client notices behind a load balancer (issue 14). On SIGTERM Spring Boot first marks the replica
 * not ready ({@code /actuator/health/readiness} answers 503: {@code REFUSING_TRAFFIC}); this lifecycle, stopped before
 * the web server's, then keeps the replica listening and serving for {@code registry.shutdown.drain-delay}, long enough
 * for load balancers and Kubernetes endpoints to take it out of rotation; only then does the server stop taking
 * connections and drain what is in flight ({@code server.shutdown: graceful}, at most
 * {@code spring.lifecycle.timeout-per-shutdown-phase}). Without the delay a replica stops listening the instant it
 * gets SIGTERM, and a balancer still sending to it sees refused connections.
 *
 * <p>From SIGTERM on (drain delay or not), every answer says {@code Connection: close}: a proxy that keeps connections to the replicas
 * alive (nginx's {@code keepalive}) then holds none to this one when it stops, so it never sends a request on a
 * connection the stopping replica closes (for a {@code POST} nginx may not retry, that was a 502, about 1 in 3,000
 * operations of RollingRestartTest).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE) // as a filter: first, so that every answer says it, refusals of later filters too
class ShutdownDrain extends OncePerRequestFilter implements SmartLifecycle {

    /**
     * @param drainDelay how long the registry keeps serving after SIGTERM while it reports not ready; 0 (the default,
     *                   for a registry run by hand) stops at once. Behind a load balancer or on Kubernetes set it above
     *                   the balancer's health-check interval (the Helm chart sets it)
     */
    @ConfigurationProperties("registry.shutdown")
    record Settings(@DefaultValue("0s") Duration drainDelay) {
    }

    private static final Logger log = LoggerFactory.getLogger(ShutdownDrain.class);

    private final Duration delay;
    private volatile boolean running;
    private volatile boolean draining;

    ShutdownDrain(Settings settings) {
        this.delay = settings.drainDelay();
    }

    @Override
    public void start() {
        running = true;
        draining = false;
    }

    /** A stop of the process only: not when the context is paused (the test framework pauses the contexts it caches). */
    @Override
    public boolean isPauseable() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (draining) {
            response.setHeader(HttpHeaders.CONNECTION, "close");
        }
        chain.doFilter(request, response);
    }

    @Override
    public void stop() {
        running = false;
        draining = true;
        if (delay.isPositive()) {
            log.info("stopping: not ready, still serving for {} (registry.shutdown.drain-delay), then draining", delay);
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stopped first: before the web server's graceful shutdown (phase {@code DEFAULT_PHASE - 1024}) and its stop. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
