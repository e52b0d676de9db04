package dev.registry.core.retention;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A rough size of a regular expression once its counted repetitions are expanded, read from the
 * text without compiling it: {@code a{3}} is 3, {@code (ab){2}{...}} multiplies the group, nested
 * counts multiply. RE2/J expands counts when it compiles and has no limit of its own, so
 * {@link TagRegex} asks this first and compiles only patterns of a sane size; the exact size is
 * checked after compiling. Text it does not understand counts as literal characters, so it errs
 * towards larger.
 */
final class RepetitionSize {

    private static final long CAP = 1L << 40;

    private RepetitionSize() {
    }

    static long estimate(String regex) {
        Deque<long[]> enclosing = new ArrayDeque<>();
        long sum = 0;
        long last = 0;
        int n = regex.length();
        int i = 0;
        while (i < n) {
            char c = regex.charAt(i);
            long atom = 1;
            if (c == '\\' && i + 1 < n && regex.charAt(i + 1) == 'Q') {
                int end = regex.indexOf("\\E", i + 2);
                end = end < 0 ? n : end;
                sum += end - (i + 2);
                last = 1;
                i = Math.min(n, end + 2);
                continue;
            } else if (c == '\\') {
                i += 2;
                if (i - 1 < n && "pPx".indexOf(regex.charAt(i - 1)) >= 0 && i < n && regex.charAt(i) == '{') {
                    int close = regex.indexOf('}', i);
                    i = close < 0 ? n : close + 1;
                }
            } else if (c == '[') {
                int j = i + 1;
                j += j < n && regex.charAt(j) == '^' ? 1 : 0;
                j += j < n && regex.charAt(j) == ']' ? 1 : 0;
                while (j < n && regex.charAt(j) != ']') {
                    j += regex.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 1;
            } else if (c == '(') {
                enclosing.push(new long[] {sum});
                sum = 0;
                last = 0;
                i++;
                continue;
            } else if (c == ')' && !enclosing.isEmpty()) {
                atom = sum + 1;
                sum = enclosing.pop()[0];
                i++;
            } else if (c == '|' || c == '*' || c == '+' || c == '?') {
                sum = Math.min(CAP, sum + 1);
                last = c == '|' ? 0 : last;
                i++;
                continue;
            } else if (c == '{' && count(regex, i) >= 0) {
                long times = count(regex, i);
                sum = Math.min(CAP, sum - last + Math.min(CAP, last * times));
                last = Math.min(CAP, last * times);
                i = regex.indexOf('}', i) + 1;
                continue;
            } else {
                i++;
            }
            sum = Math.min(CAP, sum + atom);
            last = atom;
        }
        while (!enclosing.isEmpty()) {
            sum = Math.min(CAP, enclosing.pop()[0] + sum + 1);
        }
        return sum;
    }

    /** For {@code {n}}, {@code {n,}} or {@code {n,m}} at {@code at}: the most copies it makes; else -1. */
    private static long count(String regex, int at) {
        int close = regex.indexOf('}', at);
        if (close < 0) {
            return -1;
        }
        String inside = regex.substring(at + 1, close);
        int comma = inside.indexOf(',');
        String min = comma < 0 ? inside : inside.substring(0, comma);
        String max = comma < 0 ? inside : inside.substring(comma + 1);
        if (!digits(min) || !(max.isEmpty() ? comma >= 0 : digits(max))) {
            return -1;
        }
        long low = Long.parseLong(min);
        return max.isEmpty() ? low + 1 : Math.max(low, Long.parseLong(max));
    }

    private static boolean digits(String s) {
        return !s.isEmpty() && s.length() <= 6 && s.chars().allMatch(ch -> ch >= '0' && ch <= '9');
    }
}
