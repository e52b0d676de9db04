package dev.registry.core.access;

/**
 * Who is asking: nobody ({@link Anonymous}), a person ({@link User}) or a machine ({@link Robot}).
 * Authentication produces one; {@link AccessService} decides what it may do.
 */
public sealed interface Principal {

    /** The name in tokens, audit records and messages. */
    String name();

    default boolean isAnonymous() {
        return this instanceof Anonymous;
    }

    record Anonymous() implements Principal {
        public static final Anonymous INSTANCE = new Anonymous();

        @Override
        public String name() {
            return "anonymous";
        }
    }

    record User(long id, String name, boolean systemAdmin) implements Principal {
    }

    /** @param projectId the project of a project robot; {@code null} for a system robot */
    record Robot(long id, String name, Long projectId, boolean canCreateProjects) implements Principal {
    }
}
