package dev.registry.core.retention;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tag read as a semantic version: {@code 1}, {@code 1.2}, {@code v1.2.3}, {@code 1.2.3-rc.1+build}
 * (missing minor and patch are 0; build metadata is ignored). Ordered as semver.org says: a
 * pre-release is lower than its release; numeric identifiers compare as numbers and sort below
 * alphanumeric ones.
 */
record SemanticVersion(long major, long minor, long patch, String preRelease) implements Comparable<SemanticVersion> {

    private static final Pattern SEMVER = Pattern.compile(
            "[vV]?(0|[1-9]\\d{0,17})(?:\\.(0|[1-9]\\d{0,17}))?(?:\\.(0|[1-9]\\d{0,17}))?(?:-([0-9A-Za-z.-]+))?(?:\\+[0-9A-Za-z.-]+)?");

    static Optional<SemanticVersion> parse(String tag) {
        Matcher m = SEMVER.matcher(tag);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new SemanticVersion(Long.parseLong(m.group(1)), m.group(2) == null ? 0 : Long.parseLong(m.group(2)),
                m.group(3) == null ? 0 : Long.parseLong(m.group(3)), m.group(4)));
    }

    @Override
    public int compareTo(SemanticVersion o) {
        int c = Long.compare(major, o.major);
        c = c != 0 ? c : Long.compare(minor, o.minor);
        c = c != 0 ? c : Long.compare(patch, o.patch);
        if (c != 0) {
            return c;
        }
        if (preRelease == null || o.preRelease == null) {
            return preRelease == null ? (o.preRelease == null ? 0 : 1) : -1;
        }
        String[] a = preRelease.split("\\.");
        String[] b = o.preRelease.split("\\.");
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            boolean an = a[i].matches("\\d+");
            boolean bn = b[i].matches("\\d+");
            c = an && bn ? (a[i].length() != b[i].length() ? Integer.compare(a[i].length(), b[i].length()) : a[i].compareTo(b[i]))
                    : an ? -1 : bn ? 1 : a[i].compareTo(b[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.length, b.length);
    }
}
