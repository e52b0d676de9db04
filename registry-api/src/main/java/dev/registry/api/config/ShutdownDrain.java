package dev.registry.api.config;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * A stop that no client notices behind a load balancer (issue 14). On SIGTERM Spring Boot first marks the replica
 * not ready ({@code /actuator/health/readiness} answers 503: {@code REFUSING_TRAFFIC}); this lifecycle, stopped before
 * the web server's, then keeps the replica listening and serving for {@code registry.shutdown.drain-delay}, long enough
 * for load balancers and Kubernetes endpoints to take it out of rotation; only then does the server stop taking
 * connections and drain what is in flight ({@code server.shutdown: graceful}, at most
 * {@code spring.lifecycle.timeout-per-shutdown-phase}). Without the delay a replica stops listening the instant it
 * gets SIGTERM, and a balancer still sending to it sees refused connections.
 */
@Component
class ShutdownDrain implements SmartLifecycle {

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

    ShutdownDrain(Settings settings) {
        this.delay = settings.drainDelay();
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
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
