package dev.registry.web.pages;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.access.AccessService;
import dev.registry.core.access.Action;
import dev.registry.core.access.Principal;
import dev.registry.core.access.ProjectAccess;
import dev.registry.core.immutability.ImmutabilityRule;
import dev.registry.core.immutability.ImmutabilityService;
import dev.registry.core.job.Cron;
import dev.registry.core.project.ProjectService;
import dev.registry.core.retention.Execution;
import dev.registry.core.retention.RetentionPolicy;
import dev.registry.core.retention.RetentionRule;
import dev.registry.core.retention.RetentionService;
import dev.registry.core.retention.Selection;
import dev.registry.web.ConsolePaths;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriUtils;

/**
 * Page 7, a project's policies (manage-policies): tag immutability rules, the retention policy's
 * rules and schedule, dry runs with every decision, real runs started now and their executions
 * with live progress. Every rule and check is the services' ({@link ImmutabilityService},
 * {@link RetentionService}); a refusal is shown next to the field it names.
 */
@Controller
class PoliciesController {

    /** Retention templates as the API names them, in the order the form offers them, with what they retain. */
    static final Map<String, String> TEMPLATES = templates();

    private static Map<String, String> templates() {
        Map<String, String> templates = new java.util.LinkedHashMap<>();
        templates.put("latestPushed", "the N most recently pushed");
        templates.put("latestPulled", "the N most recently pulled");
        templates.put("highestSemver", "the N highest semantic versions");
        templates.put("pushedWithinDays", "pushed within the last N days");
        templates.put("pulledWithinDays", "pulled within the last N days");
        templates.put("always", "always (every selected artifact)");
        return java.util.Collections.unmodifiableMap(templates);
    }

    /** A rule of the policy, numbered from 1 as the history names rules. */
    record RuleRow(int number, RetentionRule rule) {
        public Selection selection() {
            return rule.selection();
        }
    }

    /** What the rule form holds (kept after a refusal). */
    record RuleForm(String template, String count, String repositoryPattern, String repositoryDecoration, String tagPattern,
                    String tagPatternKind, String tagDecoration, boolean untagged) {
        static RuleForm blank() {
            return new RuleForm("latestPushed", "10", "**", "INCLUDE", "**", "DOUBLESTAR", "INCLUDE", false);
        }
    }

    private static final Pattern RULE_FIELD = Pattern.compile("rules\\[\\d+](?:\\.(\\w+))?");

    private final AccessService access;
    private final ProjectService projects;
    private final ImmutabilityService immutability;
    private final RetentionService retention;

    PoliciesController(AccessService access, ProjectService projects, ImmutabilityService immutability,
                       RetentionService retention) {
        this.access = access;
        this.projects = projects;
        this.immutability = immutability;
        this.retention = retention;
    }

    private static String base(String project) {
        return ConsolePaths.PROJECTS + "/" + UriUtils.encodePathSegment(project, StandardCharsets.UTF_8) + "/policies";
    }

    @GetMapping(ConsolePaths.PROJECTS + "/{project}/policies")
    String policies(Principal.User me, @PathVariable String project, @RequestParam(required = false) Integer page, Model model) {
        ProjectAccess allowed = access.require(me, project, Action.MANAGE_POLICIES);
        return page(allowed, project, page, model);
    }

    private String page(ProjectAccess allowed, String project, Integer page, Model model) {
        RetentionPolicy policy = retention.policy(allowed.projectId());
        List<RuleRow> rules = new ArrayList<>();
        for (int i = 0; i < policy.rules().size(); i++) {
            rules.add(new RuleRow(i + 1, policy.rules().get(i)));
        }
        model.addAttribute("project", projects.require(project));
        model.addAttribute("access", allowed);
        model.addAttribute("immutabilityRules", immutability.rules(project));
        model.addAttribute("maxImmutabilityRules", ImmutabilityService.MAX_RULES);
        model.addAttribute("rules", rules);
        model.addAttribute("maxRules", RetentionPolicy.MAX_RULES);
        model.addAttribute("schedule", policy.schedule());
        model.addAttribute("nextRun", policy.schedule() == null ? null : Cron.next(policy.schedule(), null, Instant.now()));
        model.addAttribute("templates", TEMPLATES);
        model.addAttribute("decorations", Selection.Decoration.values());
        model.addAttribute("patternKinds", Selection.PatternKind.values());
        model.asMap().putIfAbsent("ruleForm", RuleForm.blank());
        model.asMap().putIfAbsent("ruleErrors", Map.of());
        model.asMap().putIfAbsent("immutabilityErrors", Map.of());
        model.asMap().putIfAbsent("scheduleErrors", Map.of());
        executions(allowed, project, page, model);
        return "policies";
    }

    /** The executions list (also the fragment the page polls every 2 s while a run goes on). */
    private void executions(ProjectAccess allowed, String project, Integer page, Model model) {
        PageWindow window = PageWindow.of(page, null, base(project), Map.of());
        List<Execution> executions = retention.executions(allowed.projectId(), (int) window.offset(), window.size());
        model.addAttribute("projectName", project);
        model.addAttribute("executions", executions);
        model.addAttribute("executionsWindow", window.withTotal(retention.countExecutions(allowed.projectId())));
        model.addAttribute("running", executions.stream().anyMatch(e -> e.finishedAt() == null));
    }

    @GetMapping(ConsolePaths.PROJECTS + "/{project}/policies/executions")
    String executionsFragment(Principal.User me, @PathVariable String project, @RequestParam(required = false) Integer page,
                              Model model) {
        executions(access.require(me, project, Action.MANAGE_POLICIES), project, page, model);
        return "policies-executions :: executions";
    }

    // ---- tag immutability

    @PostMapping(ConsolePaths.PROJECTS + "/{project}/policies/immutability")
    String addImmutabilityRule(Principal.User me, @PathVariable String project,
                               @RequestParam(defaultValue = "") String repositoryPattern,
                               @RequestParam(defaultValue = "") String tagPattern, Model model) {
        ProjectAccess allowed = access.require(me, project, Action.MANAGE_POLICIES);
        try {
            immutability.create(allowed.projectId(), repositoryPattern.strip(), tagPattern.strip(), me.name());
            return "redirect:" + base(project) + "#immutability";
        } catch (RegistryException e) {
            if (e.code() != ErrorCode.INVALID_INPUT && e.code() != ErrorCode.CONFLICT) {
                throw e;
            }
            model.addAttribute("immutabilityErrors", Map.of(fieldOf(e, "immutability"), e.getMessage()));
            model.addAttribute("immutabilityForm", Map.of("repositoryPattern", repositoryPattern, "tagPattern", tagPattern));
            return page(allowed, project, null, model);
        }
    }

    @GetMapping(ConsolePaths.PROJECTS + "/{project}/policies/immutability/{id}/delete")
    String confirmImmutabilityDelete(Principal.User me, @PathVariable String project, @PathVariable long id, Model model) {
        ProjectAccess allowed = access.require(me, project, Action.MANAGE_POLICIES);
        ImmutabilityRule rule = immutability.rules(project).stream().filter(r -> r.id() == id).findFirst()
                .orElseThrow(() -> new RegistryException(ErrorCode.NAME_UNKNOWN, "the project has no immutability rule " + id));
        return confirm(allowed, project, "Remove an immutability rule",
                "Tags of repositories matching '" + rule.repositoryPattern() + "' whose name matches '" + rule.tagPattern()
                        + "' will no longer be immutable: they can then be moved, deleted and removed by retention.",
                base(project) + "/immutability/" + id + "/delete", "Remove the rule", model);
    }

    @PostMapping(ConsolePaths.PROJECTS + "/{project}/policies/immutability/{id}/delete")
    String deleteImmutabilityRule(Principal.User me, @PathVariable String project, @PathVariable long id) {
        immutability.delete(access.require(me, project, Action.MANAGE_POLICIES).projectId(), id);
        return "redirect:" + base(project) + "#immutability";
    }

    // ---- retention policy

    @PostMapping(ConsolePaths.PROJECTS + "/{project}/policies/retention/rules")
    String addRetentionRule(Principal.User me, @PathVariable String project, @RequestParam(defaultValue = "") String template,
                            @RequestParam(defaultValue = "") String count,
                            @RequestParam(defaultValue = "") String repositoryPattern,
                            @RequestParam(defaultValue = "INCLUDE") String repositoryDecoration,
                            @RequestParam(defaultValue = "") String tagPattern,
                            @RequestParam(defaultValue = "DOUBLESTAR") String tagPatternKind,
                            @RequestParam(defaultValue = "INCLUDE") String tagDecoration,
                            @RequestParam(defaultValue = "false") boolean untagged, Model model) {
        ProjectAccess allowed = access.require(me, project, Action.MANAGE_POLICIES);
        RuleForm form = new RuleForm(template, count, repositoryPattern, repositoryDecoration, tagPattern, tagPatternKind,
                tagDecoration, untagged);
        try {
            RetentionPolicy policy = retention.policy(allowed.projectId());
            List<RetentionRule> rules = new ArrayList<>(policy.rules());
            rules.add(rule(form));
            retention.setPolicy(allowed.projectId(), new RetentionPolicy(rules, policy.schedule()), me.name());
            return "redirect:" + base(project) + "#retention";
        } catch (RegistryException e) {
            if (e.code() != ErrorCode.INVALID_INPUT) {
                throw e;
            }
            model.addAttribute("ruleErrors", Map.of(fieldOf(e, "rule"), e.getMessage()));
            model.addAttribute("ruleForm", form);
            return page(allowed, project, null, model);
        }
    }

    /** The rule the form describes; {@code INVALID_INPUT} naming the form's field for what the form itself cannot read. */
    private static RetentionRule rule(RuleForm form) {
        Selection selection = new Selection(form.repositoryPattern().strip(), choice(Selection.Decoration.class,
                form.repositoryDecoration(), "repositoryDecoration"), form.tagPattern().strip(),
                choice(Selection.PatternKind.class, form.tagPatternKind(), "tagPatternKind"),
                choice(Selection.Decoration.class, form.tagDecoration(), "tagDecoration"), form.untagged());
        if (!TEMPLATES.containsKey(form.template())) {
            throw new RegistryException(ErrorCode.INVALID_INPUT, "choose one of the templates " + TEMPLATES.keySet(),
                    Map.of("field", "template"));
        }
        if (form.template().equals("always")) {
            return new RetentionRule.Always(selection);
        }
        int n;
        try {
            n = Integer.parseInt(form.count().strip());
        } catch (NumberFormatException e) {
            throw new RegistryException(ErrorCode.INVALID_INPUT, "'" + form.count() + "' is not a whole number of "
                    + (form.template().endsWith("Days") ? "days" : "artifacts") + " (1 to " + RetentionRule.MAX_COUNT + ")",
                    Map.of("field", "count"));
        }
        return switch (form.template()) {
            case "latestPushed" -> new RetentionRule.LatestPushed(selection, n);
            case "latestPulled" -> new RetentionRule.LatestPulled(selection, n);
            case "highestSemver" -> new RetentionRule.HighestSemver(selection, n);
            case "pushedWithinDays" -> new RetentionRule.PushedWithinDays(selection, n);
            default -> new RetentionRule.PulledWithinDays(selection, n);
        };
    }

    private static <E extends Enum<E>> E choice(Class<E> type, String value, String field) {
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(ErrorCode.INVALID_INPUT, "'" + value + "' is not one of "
                    + java.util.Arrays.toString(type.getEnumConstants()), Map.of("field", field));
        }
    }

    @GetMapping(ConsolePaths.PROJECTS + "/{project}/policies/retention/rules/{number}/delete")
    String confirmRuleDelete(Principal.User me, @PathVariable String project, @PathVariable int number, Model model) {
        ProjectAccess allowed = access.require(me, project, Action.MANAGE_POLICIES);
        RetentionRule rule = ruleNumber(retention.policy(allowed.projectId()), number);
        return confirm(allowed, project, "Remove retention rule " + number,
                "Rule " + number + " (keeps " + rule.describe() + " of repositories matching '"
                        + rule.selection().repositoryPattern() + "') will be removed from the policy: what only it keeps"
                        + " is deleted by the next run. Rules after it move up by one.",
                base(project) + "/retention/rules/" + number + "/delete", "Remove the rule", model);
    }

    @PostMapping(ConsolePaths.PROJECTS + "/{project}/policies/retention/rules/{number}/delete")
    String deleteRule(Principal.User me, @PathVariable String project, @PathVariable int number) {
        ProjectAccess allowed = access.require(me, project, Action.MANAGE_POLICIES);
        RetentionPolicy policy = retention.policy(allowed.projectId());
        ruleNumber(policy, number);
        List<RetentionRule> rules = new ArrayList<>(policy.rules());
        rules.remove(number - 1);
        retention.setPolicy(allowed.projectId(), new RetentionPolicy(rules, policy.schedule()), me.name());
        return "redirect:" + base(project) + "#retention";
    }

    private static RetentionRule ruleNumber(RetentionPolicy policy, int number) {
        if (number < 1 || number > policy.rules().size()) {
            throw new RegistryException(ErrorCode.NAME_UNKNOWN, "the retention policy has no rule " + number);
        }
        return policy.rules().get(number - 1);
    }

    @PostMapping(ConsolePaths.PROJECTS + "/{project}/policies/retention/schedule")
    String setSchedule(Principal.User me, @PathVariable String project, @RequestParam(defaultValue = "") String schedule,
                       Model model) {
        ProjectAccess allowed = access.require(me, project, Action.MANAGE_POLICIES);
        RetentionPolicy policy = retention.policy(allowed.projectId());
        try {
            retention.setPolicy(allowed.projectId(), new RetentionPolicy(policy.rules(), schedule), me.name());
            return "redirect:" + base(project) + "#schedule";
        } catch (RegistryException e) {
            if (e.code() != ErrorCode.INVALID_INPUT) {
                throw e;
            }
            model.addAttribute("scheduleErrors", Map.of(fieldOf(e, "schedule"), e.getMessage()));
            model.addAttribute("scheduleTyped", schedule);
            return page(allowed, project, null, model);
        }
    }

    @PostMapping(ConsolePaths.PROJECTS + "/{project}/policies/retention/dry-run")
    String dryRun(Principal.User me, @PathVariable String project, Model model) {
        ProjectAccess allowed = access.require(me, project, Action.MANAGE_POLICIES);
        try {
            Execution execution = retention.execute(allowed.projectId(), true, me.name());
            return "redirect:" + base(project) + "/executions/" + execution.id();
        } catch (RegistryException e) {
            return runRefused(allowed, project, e, model);
        }
    }

    /** A run the service refuses (a run of the project in progress, a stored policy that cannot run): said next to the buttons. */
    private String runRefused(ProjectAccess allowed, String project, RegistryException e, Model model) {
        if (e.code() != ErrorCode.CONFLICT) {
            throw e;
        }
        model.addAttribute("runError", e.getMessage());
        return page(allowed, project, null, model);
    }

    @GetMapping(ConsolePaths.PROJECTS + "/{project}/policies/retention/run")
    String confirmRun(Principal.User me, @PathVariable String project, Model model) {
        ProjectAccess allowed = access.require(me, project, Action.MANAGE_POLICIES);
        int rules = retention.policy(allowed.projectId()).rules().size();
        return confirm(allowed, project, "Run the retention policy now",
                "A real run of the policy (" + rules + " rule(s)) deletes, in every repository a rule selects, the artifacts"
                        + " no rule retains, with their tags, and removes tags from index children no rule retains."
                        + " A dry run shows what it would delete.",
                base(project) + "/retention/run", "Run now and delete", model);
    }

    @PostMapping(ConsolePaths.PROJECTS + "/{project}/policies/retention/run")
    String runNow(Principal.User me, @PathVariable String project, Model model) {
        ProjectAccess allowed = access.require(me, project, Action.MANAGE_POLICIES);
        try {
            retention.start(allowed.projectId(), me.name());
            return "redirect:" + base(project) + "#executions";
        } catch (RegistryException e) {
            return runRefused(allowed, project, e, model);
        }
    }

    @GetMapping(ConsolePaths.PROJECTS + "/{project}/policies/executions/{id}")
    String execution(Principal.User me, @PathVariable String project, @PathVariable long id,
                     @RequestParam(required = false) Integer page, @RequestParam(name = "page_size", required = false) Integer pageSize,
                     Model model) {
        ProjectAccess allowed = access.require(me, project, Action.MANAGE_POLICIES);
        Execution execution = retention.executionSummary(allowed.projectId(), id);
        PageWindow window = PageWindow.of(page, pageSize, base(project) + "/executions/" + id, Map.of());
        model.addAttribute("project", projects.require(project));
        model.addAttribute("access", allowed);
        model.addAttribute("execution", execution);
        model.addAttribute("decisions", retention.decisions(allowed.projectId(), id, (int) window.offset(), window.size()));
        model.addAttribute("window", window.withTotal(retention.countDecisions(allowed.projectId(), id)));
        return "policies-execution";
    }

    private String confirm(ProjectAccess allowed, String project, String title, String what, String action, String button,
                           Model model) {
        model.addAttribute("project", projects.require(project));
        model.addAttribute("access", allowed);
        model.addAttribute("title", title);
        model.addAttribute("what", what);
        model.addAttribute("action", action);
        model.addAttribute("button", button);
        model.addAttribute("back", base(project));
        return "policies-confirm";
    }

    /**
     * The form field a refusal is about: the last part of the field the service named
     * ({@code rules[2].tagPattern} → {@code tagPattern}; a rule's count → {@code count}), else
     * {@code fallback} (shown at the top of the form).
     */
    static String fieldOf(RegistryException e, String fallback) {
        if (e.detail() instanceof Map<?, ?> detail && detail.get("field") instanceof String field) {
            Matcher rule = RULE_FIELD.matcher(field);
            if (rule.matches()) {
                return rule.group(1) != null ? rule.group(1) : "count";
            }
            return field.equals("rules") ? fallback : field;
        }
        return fallback;
    }
}
