package dev.registry.core.artifact;

/**
 * Asked by {@link ArtifactService} before a tag is moved to another manifest or deleted (also when
 * a manifest is deleted with its tags): throws {@code DENIED} naming why the tag must stay. The
 * immutability feature implements it, so the artifact feature does not depend on it.
 */
public interface TagGuard {

    void checkMayChange(RepositoryName repository, String tag);
}
