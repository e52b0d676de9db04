package dev.registry.api.config;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.channels.NetworkChannel;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.AbstractProtocol;
import org.apache.coyote.ProtocolHandler;
import org.apache.tomcat.util.net.AbstractEndpoint;
import org.apache.tomcat.util.net.Acceptor;
import org.apache.tomcat.util.threads.ThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The first step of the web server's stop, after the drain delay ({@link ShutdownDrain}) and before Spring Boot's
 * graceful shutdown: closes the listening socket while the connector still runs, then waits until the requests of the
 * connections Tomcat accepted before have been taken in.
 *
 * <p>Why: Spring Boot's graceful shutdown pauses the connector and closes the socket in one step, and Tomcat never
 * starts a request on a paused connector: a connection accepted just before, whose request a pool thread had not begun
 * to read, was closed with its request unread. nginx logged {@code recv() failed (104: Connection reset by peer) while
 * reading response header} and answered 502 to a push it may not retry (a {@code POST}); RollingRestartTest lost one
 * push in about 2,000 operations that way when requests ran on Tomcat's platform-thread pool. Closed here first, the
 * socket takes no new connection, the ones accepted are served (each answer says {@code Connection: close}, see
 * {@link ShutdownDrain}), and Spring Boot's graceful shutdown then waits for them like for any request in progress.
 *
 * <p>Taken in means: no request waits in Tomcat's queue for a thread and every busy request thread is in
 * {@link RequestAdmission}'s valve or past it. The wait lasts at least {@link #MINIMUM} (a request sent right after
 * the connection was accepted reaches the poller within that) and at most {@link #MAXIMUM}.
 */
final class StopListening implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(StopListening.class);

    /** Time for a request already sent on an accepted connection to reach Tomcat's poller and queue. */
    static final long MINIMUM = 250;
    /** Longest wait for accepted requests to be taken in (each then counts as in progress for the graceful wait). */
    static final long MAXIMUM = 5_000;

    private final AtomicReference<Connector> connector = new AtomicReference<>();
    private final IntSupplier inAdmission;
    private volatile boolean running;

    /** @param inAdmission requests in {@link RequestAdmission}'s valve (waiting, admitted, or transferring) */
    StopListening(IntSupplier inAdmission) {
        this.inAdmission = inAdmission;
    }

    /** The main connector, handed over by a connector customizer when the web server is built. */
    void connector(Connector main) {
        connector.compareAndSet(null, main);
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        Connector main = connector.get();
        if (main == null) {
            return;
        }
        ProtocolHandler protocol = main.getProtocolHandler();
        Optional<Acceptor<?>> acceptor = closeListeningSocket(protocol);
        if (acceptor.isEmpty()) {
            protocol.closeServerSocketGraceful();
        }
        long start = System.nanoTime();
        try {
            Thread.sleep(MINIMUM);
            while (!takenIn(protocol.getExecutor()) && elapsedMillis(start) < MAXIMUM) {
                Thread.sleep(5);
            }
            if (acceptor.isPresent()) {
                stop(acceptor.get());
                protocol.closeServerSocketGraceful();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.debug("stopped listening; accepted requests taken in after {} ms", elapsedMillis(start));
    }

    /**
     * Closes the listening socket under Tomcat's acceptor, which waits in {@code accept()}, so the kernel refuses new
     * connections from that instant; returns the acceptor, to be stopped once what it accepted is taken in.
     *
     * <p>Tomcat's own {@code closeServerSocketGraceful} first tells the acceptor to stop, wakes it with a connection of
     * its own, and only then closes the socket: a client's connection that arrived in those milliseconds, or that the
     * acceptor had just taken when told to stop, was dropped unread (nginx: {@code recv() failed (104: Connection reset
     * by peer)}, a 502 for a push), in one of five runs of RollingRestartTest. Closed here, the socket refuses
     * from one instant, and the acceptor is told to stop only after {@link #MINIMUM}, when a connection it was handing
     * over has long reached the poller. Meanwhile its {@code accept()} fails on the closed socket, which it would log
     * as an error (and retry with a growing pause): its logger is turned off, as the server is stopping. Tomcat's
     * internals are reached by reflection; should they change, Tomcat's own close is what remains (empty).
     */
    private static Optional<Acceptor<?>> closeListeningSocket(ProtocolHandler protocol) {
        try {
            Method getEndpoint = AbstractProtocol.class.getDeclaredMethod("getEndpoint");
            getEndpoint.setAccessible(true);
            Object endpoint = getEndpoint.invoke(protocol);
            Method getServerSocket = endpoint.getClass().getDeclaredMethod("getServerSocket");
            getServerSocket.setAccessible(true);
            Field acceptorField = AbstractEndpoint.class.getDeclaredField("acceptor");
            acceptorField.setAccessible(true);
            if (getServerSocket.invoke(endpoint) instanceof NetworkChannel channel
                    && acceptorField.get(endpoint) instanceof Acceptor<?> acceptor) {
                java.util.logging.Logger.getLogger(Acceptor.class.getName()).setLevel(java.util.logging.Level.OFF);
                channel.close();
                log.debug("closed the listening socket");
                return Optional.of(acceptor);
            }
        } catch (ReflectiveOperationException | IOException | RuntimeException e) {
            log.debug("could not close the listening socket ahead of Tomcat; Tomcat closes it", e);
        }
        return Optional.empty();
    }

    /** Stops the acceptor and waits until it ended, so that Tomcat's close afterwards has nothing left to wake. */
    private static void stop(Acceptor<?> acceptor) throws InterruptedException {
        acceptor.stopMillis(2_000);
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (acceptor.getState() == Acceptor.AcceptorState.RUNNING && System.nanoTime() < deadline) {
            Thread.sleep(1); // it marks itself ended just after it released stopMillis
        }
    }

    private boolean takenIn(Executor executor) {
        if (executor instanceof ThreadPoolExecutor pool) {
            return pool.getQueue().isEmpty() && pool.getActiveCount() <= inAdmission.getAsInt();
        }
        return true; // an executor that starts every request at once (virtual threads): nothing waits for a thread
    }

    private static long elapsedMillis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * Not stopped when the context is only paused (the test framework pauses the contexts it caches while other tests
     * run): the closed socket cannot be opened again.
     */
    @Override
    public boolean isPauseable() {
        return false;
    }

    /** After {@link ShutdownDrain} ({@code DEFAULT_PHASE}), before Spring Boot's graceful shutdown ({@code DEFAULT_PHASE - 1024}). */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 512;
    }
}
