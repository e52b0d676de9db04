package dev.registry.web.pages;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.access.AccessService;
import dev.registry.core.access.Action;
import dev.registry.core.access.Principal;
import dev.registry.core.access.ProjectAccess;
import dev.registry.core.access.ProjectSettings;
import dev.registry.core.audit.AuditEvent;
import dev.registry.core.audit.AuditService;
import dev.registry.core.project.ProjectService;
import dev.registry.core.quota.ProjectUsage;
import dev.registry.core.quota.QuotaService;
import dev.registry.web.ConsolePaths;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriUtils;

/**
 * Page 8, a project's usage and audit log (read-audit), and the whole registry's audit log of the
 * administration (system admins). Both lists are one helper ({@link #log}) and one template
 * fragment ({@code audit-log :: auditLog}): filtered by operation, resource and time range, paged in
 * the database by {@link AuditService}.
 */
@Controller
class AuditPagesController {

    /** What the filter form holds, as typed (kept in the form and in the pages' links). */
    record AuditFilter(String project, String operation, String resource, String from, String to) {
        Map<String, String> query() {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("project", project);
            query.put("operation", operation);
            query.put("resource", resource);
            query.put("from", from);
            query.put("to", to);
            return query;
        }
    }

    /** Quota units the edit form offers. */
    static final Map<String, Long> UNITS = Map.of("MiB", 1L << 20, "GiB", 1L << 30, "TiB", 1L << 40);

    private final AccessService access;
    private final ProjectService projects;
    private final ProjectSettings settings;
    private final QuotaService quotas;
    private final AuditService audit;

    AuditPagesController(AccessService access, ProjectService projects, ProjectSettings settings, QuotaService quotas,
                    AuditService audit) {
        this.access = access;
        this.projects = projects;
        this.settings = settings;
        this.quotas = quotas;
        this.audit = audit;
    }

    @GetMapping(ConsolePaths.PROJECTS + "/{project}/audit")
    String projectAudit(Principal.User me, @PathVariable String project, @RequestParam(required = false) String operation,
                        @RequestParam(required = false) String resource, @RequestParam(required = false) String from,
                        @RequestParam(required = false) String to, @RequestParam(required = false) Integer page,
                        @RequestParam(name = "page_size", required = false) Integer pageSize, Model model) {
        ProjectAccess allowed = access.require(me, project, Action.READ_AUDIT);
        ProjectUsage usage = quotas.usage(project);
        model.addAttribute("project", projects.require(project));
        model.addAttribute("access", allowed);
        model.addAttribute("usage", usage);
        model.addAttribute("usedPercent", usage.usedPercent());
        model.addAttribute("mayEditQuota", me.systemAdmin());
        model.addAttribute("units", List.of("MiB", "GiB", "TiB"));
        model.addAttribute("quotaGiB", usage.quotaBytes() == null ? "" : BigDecimal.valueOf(usage.quotaBytes())
                .divide(BigDecimal.valueOf(UNITS.get("GiB")), 3, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString());
        model.asMap().putIfAbsent("quotaErrors", Map.of());
        log(new AuditFilter(project, operation, resource, from, to), base(project), false, page, pageSize, model);
        return "audit";
    }

    @PostMapping(ConsolePaths.PROJECTS + "/{project}/audit/quota")
    String setQuota(Principal.User me, @PathVariable String project, @RequestParam(defaultValue = "") String quota,
                    @RequestParam(defaultValue = "GiB") String unit, Model model) {
        try {
            if (quota.isBlank()) {
                settings.update(me, project, null, null, true);
            } else {
                settings.update(me, project, null, bytes(quota, unit), false);
            }
            return "redirect:" + base(project);
        } catch (RegistryException e) {
            if (e.code() != ErrorCode.INVALID_INPUT) {
                throw e;
            }
            model.addAttribute("quotaErrors", Map.of("quota", e.getMessage()));
            model.addAttribute("quotaTyped", quota);
            return projectAudit(me, project, null, null, null, null, null, null, model);
        }
    }

    private static long bytes(String quota, String unit) {
        Long factor = UNITS.get(unit);
        if (factor == null) {
            throw new RegistryException(ErrorCode.INVALID_INPUT, "the unit is one of " + UNITS.keySet());
        }
        try {
            BigDecimal value = new BigDecimal(quota.strip());
            if (value.signum() < 0) {
                throw new RegistryException(ErrorCode.INVALID_INPUT, "a quota is 0 or more");
            }
            return value.multiply(BigDecimal.valueOf(factor)).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new RegistryException(ErrorCode.INVALID_INPUT, "'" + quota + "' is not a size in " + unit
                    + " (a number such as 10 or 2.5; empty for no quota)");
        }
    }

    @GetMapping(ConsolePaths.ADMIN + "/audit")
    String systemAudit(Principal.User me, @RequestParam(required = false) String project,
                       @RequestParam(required = false) String operation, @RequestParam(required = false) String resource,
                       @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                       @RequestParam(required = false) Integer page,
                       @RequestParam(name = "page_size", required = false) Integer pageSize, Model model) {
        access.requireSystemAdmin(me);
        log(new AuditFilter(project, operation, resource, from, to), ConsolePaths.ADMIN + "/audit", true, page, pageSize, model);
        return "admin-audit";
    }

    /**
     * Fills what {@code audit-log :: auditLog} shows: the filter as typed, a bad bound refused in
     * words next to its field (and no rows), else the page of rows the filter selects.
     *
     * @param wholeRegistry the administration's log: a project column and a project filter
     */
    private void log(AuditFilter typed, String path, boolean wholeRegistry, Integer page, Integer pageSize, Model model) {
        Map<String, String> errors = new LinkedHashMap<>();
        Instant from = instant(typed.from(), "from", false, errors);
        Instant to = instant(typed.to(), "to", true, errors);
        if (from != null && to != null && !from.isBefore(to)) {
            errors.put("to", "'to' must be later than 'from'");
        }
        Map<String, String> query = typed.query();
        if (!wholeRegistry) {
            query.remove("project");
        }
        PageWindow window = PageWindow.of(page, pageSize, path, query);
        List<AuditEvent> events = List.of();
        long total = 0;
        if (errors.isEmpty()) {
            String project = typed.project() == null || typed.project().isBlank() ? null : typed.project().strip();
            AuditService.Filter filter = new AuditService.Filter(project, typed.operation(), typed.resource(), from, to);
            events = audit.query(filter, window.index(), window.size());
            total = audit.count(filter);
        }
        model.addAttribute("auditFilter", typed);
        model.addAttribute("auditErrors", errors);
        model.addAttribute("auditEvents", events);
        model.addAttribute("auditWindow", window.withTotal(total));
        model.addAttribute("auditPath", path);
        model.addAttribute("wholeRegistry", wholeRegistry);
        model.addAttribute("operations", AuditService.OPERATIONS);
    }

    /**
     * A bound typed in the filter, in UTC: {@code 2026-12-31}, {@code 2026-12-31T23:59} (what a
     * {@code datetime-local} field sends) or an ISO-8601 instant; a date alone as an upper bound
     * means the end of that day. Blank: no bound.
     */
    private static Instant instant(String typed, String field, boolean upper, Map<String, String> errors) {
        if (typed == null || typed.isBlank()) {
            return null;
        }
        String text = typed.strip();
        try {
            if (text.length() == 10) {
                LocalDate day = LocalDate.parse(text);
                return (upper ? day.plusDays(1) : day).atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            if (text.endsWith("Z") || text.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return java.time.OffsetDateTime.parse(text).toInstant();
            }
            return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            errors.put(field, "'" + typed + "' is not a date and time: write it as 2026-12-31 or 2026-12-31T23:59 (UTC)");
            return null;
        }
    }

    private static String base(String project) {
        return ConsolePaths.PROJECTS + "/" + UriUtils.encodePathSegment(project, StandardCharsets.UTF_8) + "/audit";
    }
}
