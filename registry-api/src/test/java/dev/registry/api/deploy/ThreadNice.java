package dev.registry.api.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The nice values of a Linux process's threads, from {@code /proc/PID/task/TID/stat} lines (proc(5): the thread's name
 * in parentheses, then fields 3 onwards; nice is field 19). README's JVM settings run the JIT compiler threads
 * ({@code C1 CompilerThre…}, {@code C2 CompilerThre…}) at nice 10 and leave the application's threads at 0 (as root,
 * the JVM's own service threads run above normal).
 */
final class ThreadNice {

    private ThreadNice() {
    }

    /** Thread name (as the kernel keeps it: 15 characters) → the nice values of the threads of that name. */
    static Map<String, Set<Integer>> parse(String statLines) {
        Map<String, Set<Integer>> nice = new TreeMap<>();
        statLines.lines().filter(line -> !line.isBlank()).forEach(line -> {
            String name = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')'));
            String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
            nice.computeIfAbsent(name, n -> new TreeSet<>()).add(Integer.parseInt(fields[19 - 3]));
        });
        return nice;
    }

    /** README's settings took: the compiler threads at nice 10, the main and request threads at the normal 0. */
    static void assertReadmeSettings(Map<String, Set<Integer>> nice) {
        assertThat(nice).as("threads by name and nice").containsEntry("C1 CompilerThre", Set.of(10))
                .containsEntry("C2 CompilerThre", Set.of(10)).containsEntry("java", Set.of(0));
        assertThat(nice.entrySet()).as("Tomcat's request threads").filteredOn(e -> e.getKey().startsWith("http-nio-"))
                .isNotEmpty().allSatisfy(e -> assertThat(e.getValue()).containsOnly(0));
    }

    /** The nice values of a process on this machine. */
    static Map<String, Set<Integer>> of(long pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return parse(tasks.map(task -> {
                try {
                    return Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    return ""; // the thread ended meanwhile
                }
            }).collect(Collectors.joining("\n")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
