package dev.registry.core.access;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may create projects ({@code registry.projects.*}).
 *
 * @param createOnPush     a push into a project that does not exist creates it (private, the pusher its
 *                         Project Admin) when the pusher may create projects; off: such pushes are refused
 * @param onlyAdminsCreate only system admins (and robots allowed to) create projects; off: every
 *                         signed-in user may, as in Harbor's default
 */
@ConfigurationProperties("registry.projects")
public record AccessPolicy(@DefaultValue("false") boolean createOnPush, @DefaultValue("false") boolean onlyAdminsCreate) {
}
