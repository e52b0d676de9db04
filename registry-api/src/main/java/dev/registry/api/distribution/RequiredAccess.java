package dev.registry.api.distribution;

import dev.registry.api.distribution.RepositoryPathFilter.Resource;
import dev.registry.core.access.Action;

/**
 * The one table of what each {@code /v2} repository request needs: the Docker scope action a token
 * must grant on the repository, and the {@link Action} the access decision checks.
 *
 * <pre>
 * resource              method                   scope   action
 * manifests, blobs,     GET, HEAD                pull    PULL
 *   tags, referrers
 * manifests             PUT                      push    PUSH
 * uploads (start, …)    POST PATCH PUT GET DEL.  push    PUSH   (a mount also needs pull on "from")
 * manifests/&lt;digest&gt;    DELETE                   delete  DELETE_ARTIFACT
 * manifests/&lt;tag&gt;       DELETE                   delete  DELETE_TAG
 * blobs                 DELETE                   delete  DELETE_ARTIFACT
 * </pre>
 */
record RequiredAccess(String scopeAction, Action action) {

    static final RequiredAccess PULL = new RequiredAccess("pull", Action.PULL);
    static final RequiredAccess PUSH = new RequiredAccess("push", Action.PUSH);

    /** Null for a method the resource does not have (the dispatcher answers 405 for it). */
    static RequiredAccess of(Resource resource, String method, String reference) {
        return switch (resource) {
            case UPLOADS, UPLOAD -> PUSH;
            case MANIFEST -> switch (method) {
                case "GET", "HEAD" -> PULL;
                case "PUT" -> PUSH;
                case "DELETE" -> new RequiredAccess("delete", reference != null && reference.contains(":")
                        ? Action.DELETE_ARTIFACT : Action.DELETE_TAG);
                default -> null;
            };
            case BLOB -> switch (method) {
                case "GET", "HEAD" -> PULL;
                case "DELETE" -> new RequiredAccess("delete", Action.DELETE_ARTIFACT);
                default -> null;
            };
            case TAGS, REFERRERS -> "GET".equals(method) || "HEAD".equals(method) ? PULL : null;
        };
    }

    /** Whether the request opens something new in the repository (where create-on-push applies). */
    static boolean startsWrite(Resource resource, String method) {
        return (resource == Resource.UPLOADS && "POST".equals(method)) || (resource == Resource.MANIFEST && "PUT".equals(method));
    }
}
