package dev.registry.core.access;

/**
 * What a principal may do in a project. Which role holds which action is {@link PermissionMatrix};
 * a token's {@code access} claim speaks the Docker scope actions ({@link #scopeAction()}).
 */
public enum Action {
    /** Pull manifests, blobs, tags and referrers ({@code pull}). */
    PULL("pull"),
    /** Push blobs and manifests, and tag what is pushed ({@code push}). */
    PUSH("push"),
    /** Delete manifests by digest and blobs ({@code delete}). */
    DELETE_ARTIFACT("delete"),
    /** Add a tag to an artifact through the management API. */
    CREATE_TAG(null),
    /** Delete a tag ({@code delete} on a tag reference). */
    DELETE_TAG("delete"),
    /** See the project's repositories and artifacts. */
    LIST_REPOSITORIES(null),
    /** See the project's members. */
    READ_MEMBERS(null),
    /** Add, change and remove members. */
    MANAGE_MEMBERS(null),
    /** Read the project's audit log. */
    READ_AUDIT(null),
    /** See the project's robot accounts. */
    READ_ROBOTS(null),
    /** Create, rotate, disable and delete the project's robot accounts. */
    MANAGE_ROBOTS(null),
    /** Configure tag retention and tag immutability rules. */
    MANAGE_POLICIES(null),
    /** Change the project's settings (public flag). */
    UPDATE_PROJECT(null),
    /** Delete the (empty) project. */
    DELETE_PROJECT(null);

    private final String scopeAction;

    Action(String scopeAction) {
        this.scopeAction = scopeAction;
    }

    /** The Docker token scope action that carries this action, or null when tokens do not. */
    public String scopeAction() {
        return scopeAction;
    }

    public String wireName() {
        return name().toLowerCase().replace('_', '-');
    }

    public static Action fromWireName(String name) {
        for (Action a : values()) {
            if (a.wireName().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown action '" + name + "'");
    }
}
