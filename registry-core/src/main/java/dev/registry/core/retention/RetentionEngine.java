package dev.registry.core.retention;

import dev.registry.core.artifact.Accessory;
import dev.registry.core.retention.Decision.Action;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Decides, without touching anything, what a policy keeps. Pure: same policy, artifacts and
 * {@code now} give the same decisions.
 *
 * <ol>
 * <li>A repository is in scope when at least one rule selects it; artifacts elsewhere get no decision.</li>
 * <li>The artifacts rules look at: every manifest of the repository except accessories of a present
 * subject ({@link Accessory}: referrers, and manifests with a cosign attachment tag
 * {@code sha256-<hex>.sig|att|sbom} naming it) and untagged children of a present index (those follow
 * their subject or index). An accessory's tags are never matched by the rules, nor counted.</li>
 * <li>Each rule retains some of the artifacts it selects; the first rule (in policy order) that
 * retains an artifact is the one the history names. An artifact with a tag an immutability rule
 * protects is retained whatever the rules say; an accessory's tags do not count for that either
 * (Harbor: immutability rules applied to a signed artifact "extend to both the signed artifact and
 * the signature").</li>
 * <li>What is kept grows along references: children of a kept index and referrers of a kept
 * subject are kept too, transitively.</li>
 * <li>A retained artifact keeps its tags; a kept one that no rule retained loses them
 * ({@link Action#UNTAG}); everything else is deleted, tags and manifest.</li>
 * </ol>
 *
 * <p>Decisions come subjects first, accessories last, so that carrying them out in order deletes a
 * subject (and, with it, its accessories: {@code ArtifactService.deleteIf}) before its accessories'
 * own decisions are looked at.
 */
public final class RetentionEngine {

    private RetentionEngine() {
    }

    public static List<Decision> decide(RetentionPolicy policy, List<Candidate> candidates, Instant now) {
        Map<String, List<Candidate>> byRepository = candidates.stream()
                .collect(Collectors.groupingBy(Candidate::repository, TreeMap::new, Collectors.toList()));
        List<Decision> decisions = new ArrayList<>();
        byRepository.forEach((repository, inRepository) -> {
            List<Integer> applicable = new ArrayList<>();
            for (int i = 0; i < policy.rules().size(); i++) {
                if (policy.rules().get(i).selection().selectsRepository(repository)) {
                    applicable.add(i);
                }
            }
            if (!applicable.isEmpty()) {
                decisions.addAll(decideRepository(policy, applicable, inRepository, now));
            }
        });
        return decisions;
    }

    private record Why(Integer rule, String reason) {
    }

    private static List<Decision> decideRepository(RetentionPolicy policy, List<Integer> applicable,
                                                   List<Candidate> artifacts, Instant now) {
        Map<String, Candidate> byDigest = new LinkedHashMap<>();
        artifacts.stream().sorted(RetentionRule.NEWEST_PUSH).forEach(c -> byDigest.put(c.digest(), c));
        Map<String, String> subjects = subjects(byDigest);
        Map<String, List<String>> referrers = new HashMap<>();
        Map<String, List<String>> parents = new HashMap<>();
        for (Candidate c : byDigest.values()) {
            if (subjects.containsKey(c.digest())) {
                referrers.computeIfAbsent(subjects.get(c.digest()), k -> new ArrayList<>()).add(c.digest());
            }
            c.children().stream().filter(byDigest::containsKey)
                    .forEach(child -> parents.computeIfAbsent(child, k -> new ArrayList<>()).add(c.digest()));
        }
        List<Candidate> evaluated = byDigest.values().stream()
                .filter(c -> !subjects.containsKey(c.digest()))
                .filter(c -> !c.tags().isEmpty() || !parents.containsKey(c.digest()))
                .toList();

        Map<String, Why> retained = new LinkedHashMap<>();
        for (int i : applicable) {
            RetentionRule rule = policy.rules().get(i);
            List<Candidate> selected = evaluated.stream().filter(c -> rule.selection().selectsTags(c.tags())).toList();
            for (Candidate kept : rule.retain(selected, now)) {
                retained.putIfAbsent(kept.digest(), new Why(i + 1, "rule " + (i + 1) + " keeps " + rule.describe()));
            }
        }
        for (Candidate c : byDigest.values()) {
            if (!c.immutableTags().isEmpty() && !subjects.containsKey(c.digest())) {
                retained.putIfAbsent(c.digest(), new Why(null, "immutable tag " + String.join(", ", c.immutableTags())));
            }
        }

        Map<String, Why> kept = new LinkedHashMap<>(retained);
        Deque<String> work = new ArrayDeque<>(retained.keySet());
        while (!work.isEmpty()) {
            String digest = work.pop();
            Integer rule = kept.get(digest).rule();
            for (String child : byDigest.get(digest).children()) {
                if (byDigest.containsKey(child) && !kept.containsKey(child)) {
                    kept.put(child, new Why(rule, "kept with index " + digest));
                    work.push(child);
                }
            }
            for (String referrer : referrers.getOrDefault(digest, List.of())) {
                if (!kept.containsKey(referrer)) {
                    kept.put(referrer, new Why(rule, "kept with its subject " + digest));
                    work.push(referrer);
                }
            }
        }

        List<Decision> decisions = new ArrayList<>();
        List<Decision> accessories = new ArrayList<>();
        for (Candidate c : byDigest.values()) {
            Why why = kept.get(c.digest());
            boolean follower = subjects.containsKey(c.digest());
            Action action;
            if (why == null) {
                action = Action.DELETE;
                why = new Why(null, follower ? "its subject " + subjects.get(c.digest()) + " is deleted"
                        : parents.containsKey(c.digest()) && c.tags().isEmpty() ? "no kept index references it"
                        : "no rule retains it");
            } else {
                action = retained.containsKey(c.digest()) || follower || c.tags().isEmpty() ? Action.RETAIN : Action.UNTAG;
            }
            (follower ? accessories : decisions).add(new Decision(c.repository(), c.digest(), c.tags(), action, why.rule(),
                    why.reason()));
        }
        decisions.addAll(accessories);
        return decisions;
    }

    /**
     * Accessory → its subject, for the accessories of a present subject: by the {@code subject} field,
     * else by a cosign attachment tag ({@link Accessory#subjectOfTag}). A ring of attachment tags (a
     * tagged {@code sha256-<b>.sig}, b tagged {@code sha256-<a>.sig}: never what cosign pushes) makes
     * none of its members an accessory, so none of them is deleted only because the others are.
     */
    private static Map<String, String> subjects(Map<String, Candidate> byDigest) {
        Map<String, String> subjects = new HashMap<>();
        for (Candidate c : byDigest.values()) {
            String subject = c.subject() != null && byDigest.containsKey(c.subject()) ? c.subject()
                    : c.tags().stream().map(Accessory::subjectOfTag).flatMap(java.util.Optional::stream)
                    .filter(d -> byDigest.containsKey(d) && !d.equals(c.digest())).findFirst().orElse(null);
            if (subject != null) {
                subjects.put(c.digest(), subject);
            }
        }
        for (String start : List.copyOf(subjects.keySet())) {
            List<String> path = new ArrayList<>();
            String at = start;
            while (at != null && !path.contains(at)) {
                path.add(at);
                at = subjects.get(at);
            }
            if (at != null) { // came back to a member of a ring: from there on, the path is the ring
                List.copyOf(path.subList(path.indexOf(at), path.size())).forEach(subjects::remove);
            }
        }
        return subjects;
    }

    /** Set of digests with the given action, for tests and counts. */
    static Set<String> digests(List<Decision> decisions, Action action) {
        return decisions.stream().filter(d -> d.action() == action).map(Decision::digest)
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

}
