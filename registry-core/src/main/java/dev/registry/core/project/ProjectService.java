package dev.registry.core.project;

import dev.registry.core.Actor;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.gc.ReviewQueue;
import dev.registry.core.jpa.Like;
import dev.registry.core.project.internal.MemberEntity;
import dev.registry.core.project.internal.MemberEntityRepository;
import dev.registry.core.project.internal.ProjectEntity;
import dev.registry.core.project.internal.ProjectEntityRepository;
import dev.registry.core.quota.QuotaLedger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Projects and their members: the public face of the project feature. It does not decide who
 * may call it; callers ask {@code AccessService} first. Every change publishes its event
 * ({@link ProjectCreated}, {@link ProjectUpdated}, {@link ProjectDeleted}, {@link MemberChanged})
 * inside its transaction.
 */
@Service
public class ProjectService {

    /** A project name is one repository-name path component (so at most 255 characters, as in Harbor). */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*");
    public static final String LIBRARY = "library";

    private final ProjectEntityRepository projects;
    private final MemberEntityRepository members;
    private final ApplicationEventPublisher events;
    private final QuotaLedger quota;
    private final ReviewQueue review;

    public ProjectService(ProjectEntityRepository projects, MemberEntityRepository members, ApplicationEventPublisher events,
                          QuotaLedger quota, ReviewQueue review) {
        this.projects = projects;
        this.members = members;
        this.events = events;
        this.quota = quota;
        this.review = review;
    }

    public static void checkName(String name) {
        if (name == null || name.length() < 1 || name.length() > 255 || !NAME.matcher(name).matches()) {
            throw new RegistryException(ErrorCode.NAME_INVALID, "invalid project name '" + name
                    + "': 1 to 255 lower-case letters and digits, separated by '.', '_', '__' or '-'", Map.of("field", "name"));
        }
    }

    @Transactional(readOnly = true)
    public Optional<Project> find(String name) {
        return projects.findByName(name).map(ProjectEntity::toProject);
    }

    @Transactional(readOnly = true)
    public Project require(String name) {
        return find(name).orElseThrow(() -> new RegistryException(ErrorCode.NAME_UNKNOWN, "project " + name + " does not exist"));
    }

    /**
     * Creates a project; {@code NAME_INVALID} for a bad name, {@code CONFLICT} for a taken one. The
     * creating user (if any) becomes its Project Admin.
     */
    @Transactional
    public Project create(String name, boolean isPublic, Long quotaBytes, String createdBy, Long adminUserId) {
        checkName(name);
        checkQuota(quotaBytes);
        if (projects.insertIfAbsent(name, isPublic, quotaBytes, createdBy, Instant.now()) == 0) {
            throw new RegistryException(ErrorCode.CONFLICT, "project " + name + " already exists");
        }
        ProjectEntity created = projects.findByName(name).orElseThrow();
        if (adminUserId != null) {
            members.save(new MemberEntity(created.getId(), Member.MemberKind.USER, adminUserId, Role.PROJECT_ADMIN, Instant.now()));
        }
        events.publishEvent(new ProjectCreated(Actor.current(), name, isPublic));
        return created.toProject();
    }

    /**
     * The project for a push with create-on-push: the existing one, or a new private one. Safe
     * when two first pushes race (one creates, both see it).
     */
    @Transactional
    public Project createIfAbsent(String name, String createdBy, Long adminUserId) {
        checkName(name);
        if (projects.insertIfAbsent(name, false, null, createdBy, Instant.now()) == 1) {
            if (adminUserId != null) {
                long id = projects.findByName(name).orElseThrow().getId();
                members.save(new MemberEntity(id, Member.MemberKind.USER, adminUserId, Role.PROJECT_ADMIN, Instant.now()));
            }
            events.publishEvent(new ProjectCreated(Actor.current(), name, false));
        }
        return projects.findByName(name).orElseThrow().toProject();
    }

    @Transactional
    public Project update(String name, Boolean isPublic, Long quotaBytes, boolean clearQuota) {
        ProjectEntity project = projects.findByName(name).orElseThrow(() -> unknown(name));
        List<String> changes = new ArrayList<>();
        if (isPublic != null) {
            project.setPublic(isPublic);
            changes.add("public=" + isPublic);
        }
        if (clearQuota) {
            project.setQuotaBytes(null);
            changes.add("quota=none");
        } else if (quotaBytes != null) {
            checkQuota(quotaBytes);
            project.setQuotaBytes(quotaBytes);
            changes.add("quota=" + quotaBytes);
        }
        if (!changes.isEmpty()) {
            events.publishEvent(new ProjectUpdated(Actor.current(), name, String.join(", ", changes)));
        }
        return project.toProject();
    }

    /**
     * Deletes an empty project; a project that still holds repositories (with a manifest) is
     * refused. Rows of repositories without a manifest (uploads whose image never came) go with it,
     * their open uploads too; their blobs are queued for garbage collection. Under the project's
     * usage lock, so no push of the project runs meanwhile.
     */
    @Transactional
    public void delete(String name) {
        ProjectEntity project = projects.findByName(name).orElseThrow(() -> unknown(name));
        quota.lock(name);
        long repositories = projects.countRepositories(project.getId());
        if (repositories > 0) {
            throw new RegistryException(ErrorCode.CONFLICT, "project " + name + " still holds " + repositories
                    + " repositories; delete them first");
        }
        List<Long> empty = projects.emptyRepositoryIds(project.getId());
        if (!empty.isEmpty()) {
            Instant now = Instant.now();
            empty.forEach(id -> review.blobsLinkedIn(id, now, "project-deleted"));
            projects.deleteRepositories(empty);
        }
        projects.deleteRobotPermissions(name);
        projects.delete(project);
        events.publishEvent(new ProjectDeleted(Actor.current(), name));
    }

    /**
     * Projects whose name contains {@code search} (all when null; project names are lower case, so
     * the search ignores case; {@code %} and {@code _} are literal), among {@code onlyIds} (null:
     * all projects), by name. The project list and the management search both list through here.
     */
    @Transactional(readOnly = true)
    public List<Project> list(String search, List<Long> onlyIds, int page, int size) {
        if (onlyIds != null && onlyIds.isEmpty()) {
            return List.of();
        }
        long offset = (long) page * size;
        String like = namePattern(search);
        var found = onlyIds == null ? projects.findMatching(like, offset, size) : projects.findMatching(like, onlyIds, offset, size);
        return found.stream().map(ProjectEntity::toProject).toList();
    }

    /** How many projects {@link #list} finds in all. */
    @Transactional(readOnly = true)
    public long count(String search, List<Long> onlyIds) {
        if (onlyIds != null && onlyIds.isEmpty()) {
            return 0;
        }
        String like = namePattern(search);
        return onlyIds == null ? projects.countMatching(like) : projects.countMatching(like, onlyIds);
    }

    private static String namePattern(String search) {
        return Like.containing(search == null ? null : search.toLowerCase(Locale.ROOT));
    }

    @Transactional(readOnly = true)
    public List<Member> members(long projectId) {
        return members.findMembers(projectId).stream().map(row -> member(projectId, row)).toList();
    }

    /** One page of the project's members whose username contains {@code search} (all when null or empty), by username. */
    @Transactional(readOnly = true)
    public List<Member> members(long projectId, String search, long offset, int size) {
        return members.findMembers(projectId, Like.containing(search), offset, size).stream().map(row -> member(projectId, row)).toList();
    }

    /** The member named {@code username}; {@code NAME_UNKNOWN} when there is no such member. */
    @Transactional(readOnly = true)
    public Member requireMember(long projectId, String username) {
        return members.findMember(projectId, username).stream().map(row -> member(projectId, row)).findFirst()
                .orElseThrow(() -> notAMember("user " + username));
    }

    @Transactional(readOnly = true)
    public long countMembers(long projectId, String search) {
        return members.countMembers(projectId, Like.containing(search));
    }

    private static Member member(long projectId, Object[] row) {
        return new Member(projectId, Member.MemberKind.USER, ((Number) row[0]).longValue(), (String) row[1],
                Role.valueOf((String) row[2]));
    }

    /**
     * Adds a member or changes its role. Demoting the project's last Project Admin is refused
     * ({@code CONFLICT}): a project always keeps someone who can manage its members.
     */
    @Transactional
    public void setMember(long projectId, long userId, Role role) {
        MemberEntity.Key key = memberKey(projectId, userId);
        Optional<MemberEntity> existing = members.findById(key);
        if (existing.isPresent() && role != Role.PROJECT_ADMIN) {
            requireNotLastAdmin(projectId, existing.get(), userId, "changing their role");
        }
        existing.ifPresentOrElse(m -> m.setRole(role),
                () -> members.save(new MemberEntity(projectId, Member.MemberKind.USER, userId, role, Instant.now())));
        memberChanged(projectId, userId, role, existing.isPresent() ? MemberChanged.Change.ROLE_CHANGED : MemberChanged.Change.ADDED);
    }

    /** Adds a user who is not a member yet; {@code CONFLICT} when they are. */
    @Transactional
    public void addMember(long projectId, long userId, Role role) {
        if (isMember(projectId, userId)) {
            throw new RegistryException(ErrorCode.CONFLICT, "that user is a member of the project already; change their role instead");
        }
        setMember(projectId, userId, role);
    }

    /**
     * Adds the user named {@code username}: {@code INVALID_INPUT} on the field {@code username}
     * when there is no such user, {@code CONFLICT} when they are a member already.
     */
    @Transactional
    public void addMember(long projectId, String username, Role role) {
        long userId = members.findUserId(username).orElseThrow(() -> new RegistryException(ErrorCode.INVALID_INPUT,
                "there is no user " + username, Map.of("field", "username")));
        addMember(projectId, userId, role);
    }

    /** Changes a member's role; {@code NAME_UNKNOWN} when the user is not a member. */
    @Transactional
    public void changeRole(long projectId, long userId, Role role) {
        if (!isMember(projectId, userId)) {
            throw notAMember("that user");
        }
        setMember(projectId, userId, role);
    }

    /** Changes the role of the member named {@code username}; {@code NAME_UNKNOWN} when there is no such member. */
    @Transactional
    public void changeRole(long projectId, String username, Role role) {
        changeRole(projectId, members.findUserId(username).orElseThrow(() -> notAMember("user " + username)), role);
    }

    /** Removes a member; {@code NAME_UNKNOWN} when the user is not one, {@code CONFLICT} for the last Project Admin. */
    @Transactional
    public void removeMember(long projectId, long userId) {
        MemberEntity.Key key = memberKey(projectId, userId);
        MemberEntity member = members.findById(key).orElseThrow(() -> notAMember("that user"));
        requireNotLastAdmin(projectId, member, userId, "removing them");
        members.deleteById(key);
        memberChanged(projectId, userId, null, MemberChanged.Change.REMOVED);
    }

    /** Removes the member named {@code username}; {@code NAME_UNKNOWN} when there is no such member. */
    @Transactional
    public void removeMember(long projectId, String username) {
        removeMember(projectId, members.findUserId(username).orElseThrow(() -> notAMember("user " + username)));
    }

    /**
     * Whether {@code member} is the project's only Project Admin: the member whose role
     * {@link #changeRole} (to another role) and {@link #removeMember} refuse to take
     * ({@code CONFLICT}). Pages ask this so they never offer what would be refused; the refusal
     * itself stays with those methods, under the project's lock.
     */
    @Transactional(readOnly = true)
    public boolean isLastAdmin(Member member) {
        return isLastAdmin(member.projectId(), member.role());
    }

    /** The rule itself, for {@link #isLastAdmin(Member)} and {@link #requireNotLastAdmin}. */
    private boolean isLastAdmin(long projectId, Role role) {
        return role == Role.PROJECT_ADMIN && members.countAdmins(projectId) <= 1;
    }

    /**
     * Refuses to take the Project Admin role from the project's only Project Admin. The project's
     * row is locked first, so two admins removing each other at once cannot leave it without one.
     */
    private void requireNotLastAdmin(long projectId, MemberEntity member, long userId, String doing) {
        if (member.getRole() != Role.PROJECT_ADMIN) {
            return;
        }
        projects.lockById(projectId);
        if (isLastAdmin(projectId, member.getRole())) {
            String name = members.findUsername(userId).orElse("that user");
            throw new RegistryException(ErrorCode.CONFLICT, name + " is the last project admin of the project; make another"
                    + " member project admin before " + doing);
        }
    }

    /** By primary key (no JPQL); the row stays in the transaction's persistence context for {@link #setMember}. */
    private boolean isMember(long projectId, long userId) {
        return members.findById(memberKey(projectId, userId)).isPresent();
    }

    private static MemberEntity.Key memberKey(long projectId, long userId) {
        return new MemberEntity.Key(projectId, Member.MemberKind.USER.name(), userId);
    }

    private static RegistryException notAMember(String who) {
        return new RegistryException(ErrorCode.NAME_UNKNOWN, who + " is not a member of the project");
    }

    private void memberChanged(long projectId, long userId, Role role, MemberChanged.Change change) {
        String project = projects.findById(projectId).map(p -> p.toProject().name()).orElse(null);
        String username = members.findUsername(userId).orElse(Long.toString(userId));
        events.publishEvent(new MemberChanged(Actor.current(), project, username, role, change));
    }

    /** The user's role in each of the given projects where they are a member (one query, for a page of projects). */
    @Transactional(readOnly = true)
    public Map<Long, Role> rolesOf(long userId, java.util.Collection<Long> projectIds) {
        if (projectIds.isEmpty()) {
            return Map.of();
        }
        Map<Long, Role> roles = new java.util.HashMap<>();
        for (Object[] row : members.findRoles(userId, projectIds)) {
            roles.put(((Number) row[0]).longValue(), Role.valueOf((String) row[1]));
        }
        return roles;
    }

    /** Ids of public projects and of projects where the user is a member. */
    @Transactional(readOnly = true)
    public List<Long> visibleTo(Long userId) {
        return userId == null ? projects.publicIds() : projects.publicOrMemberIds(userId);
    }

    private static void checkQuota(Long quotaBytes) {
        if (quotaBytes != null && quotaBytes < 0) {
            throw new RegistryException(ErrorCode.INVALID_INPUT, "a quota is a number of bytes, at least 0", Map.of("field", "quotaBytes"));
        }
    }

    private static RegistryException unknown(String name) {
        return new RegistryException(ErrorCode.NAME_UNKNOWN, "project " + name + " does not exist");
    }
}
