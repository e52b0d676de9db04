package dev.registry.api.distribution;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A {@code String} handler parameter that takes the path segment after the resource, as {@link RepositoryPathFilter}
 * split it off the client's path: the tag or digest of {@code /manifests/<reference>}, the digest of
 * {@code /blobs/<digest>} and {@code /referrers/<digest>}, the id of {@code /blobs/uploads/<id>}. The internal paths
 * the handlers map carry no variable (see {@link RepositoryPathFilter}), so {@code @PathVariable} has nothing to read.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface PathReference {
}
