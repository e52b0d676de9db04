package dev.registry.core.artifact;

import java.util.Collection;

/**
 * Asked by {@link ArtifactService} before a tag is moved to another manifest or deleted (also when
 * a manifest is deleted with its tags): throws {@code DENIED} naming why the tag must stay. The
 * immutability feature implements it, so the artifact feature does not depend on it.
 *
 * <p>Two steps, so that no pattern is evaluated while the project's lock is held: {@link #prepare}
 * runs <em>before</em> the change's transaction takes the lock; it reads the rules and decides for
 * the tags the caller expects to touch. {@link Check#checkMayChange} then runs under the lock and
 * answers from those decisions; only a tag the caller could not know of beforehand (one added by
 * a push in between) is evaluated there, which costs one linear-time match per rule on a bounded
 * tag (see {@code DoublestarPattern}).
 */
public interface TagGuard {

    /** Reads the rules for {@code repository} and decides for {@code tags}; call before taking any lock. */
    Check prepare(RepositoryName repository, Collection<String> tags);

    /** The decisions {@link #prepare} made, asked under the lock. */
    @FunctionalInterface
    interface Check {

        /** {@code DENIED} naming the rule when {@code tag} must stay. */
        void checkMayChange(String tag);
    }
}
