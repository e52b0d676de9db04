package dev.registry.core.access;

import dev.registry.core.project.Project;
import dev.registry.core.project.ProjectService;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Changing a project's settings on someone's behalf: {@link Action#UPDATE_PROJECT} for the public
 * flag, and a system admin for the quota (quotas are the system admin's, as at creation, see
 * {@link ProjectCreator}).
 */
@Service
public class ProjectSettings {

    private final AccessService access;
    private final ProjectService projects;

    public ProjectSettings(AccessService access, ProjectService projects) {
        this.access = access;
        this.projects = projects;
    }

    /**
     * @param isPublic   the new public flag, or null to keep it
     * @param quotaBytes the new quota, or null to keep it
     * @param clearQuota remove the quota
     */
    @Transactional
    public Project update(Principal principal, String project, Boolean isPublic, Long quotaBytes, boolean clearQuota) {
        access.require(principal, project, Action.UPDATE_PROJECT);
        if (quotaBytes != null || clearQuota) {
            access.requireSystemAdmin(principal);
        }
        return projects.update(project, isPublic, quotaBytes, clearQuota);
    }
}
