package dev.registry.core;

import java.util.Objects;

/**
 * Who is acting, as the audit log records it: a principal's name and kind ({@code user},
 * {@code robot}, {@code anonymous}, or {@code system} for work no request started) and the
 * client's address.
 *
 * <p>The HTTP adapter sets the current actor for the length of a request ({@link #open}); services
 * read it ({@link #current}) when they publish an event, so who did something travels with the
 * event and never through business method signatures. It is a thread-local, like Spring
 * Security's context: work handed to another thread must {@link #open} the actor there itself,
 * else it is recorded as {@link #SYSTEM}.
 *
 * <p>{@code cause} says why work that no single request asked for item by item happens: the run
 * or execution it belongs to ({@code gc-run:42}, {@code retention-execution:7 rule 1: …}), or null
 * for a plain request. Background work keeps the actor who started it (with the address the start
 * came from) and adds its cause ({@link #because}), so the audit log says who, why and from where.
 */
public record Actor(String name, String kind, String address, String cause) {

    public static final Actor SYSTEM = new Actor("system", "system", null);
    /** The servlet request attribute under which the web layers leave a request's caller (for its access log line). */
    public static final String REQUEST_ATTRIBUTE = "dev.registry.actor";
    private static final ThreadLocal<Actor> CURRENT = new ThreadLocal<>();

    public Actor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
    }

    /** An actor acting for itself (no cause): a request's caller. */
    public Actor(String name, String kind, String address) {
        this(name, kind, address, null);
    }

    /** The same actor, acting because of {@code cause}. */
    public Actor because(String cause) {
        return new Actor(name, kind, address, cause);
    }

    /** The actor of the work on this thread; {@link #SYSTEM} when none was opened. */
    public static Actor current() {
        Actor actor = CURRENT.get();
        return actor == null ? SYSTEM : actor;
    }

    /** Makes {@code actor} current until the returned scope is closed (which restores the previous one). */
    public static Scope open(Actor actor) {
        Actor previous = CURRENT.get();
        CURRENT.set(actor);
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    /** Ends an {@link #open}ed actor; closing never throws. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
