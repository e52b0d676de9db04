package dev.registry.api.clients;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the real client binaries (skopeo, podman, containerd, ctr) as child processes with their
 * output in files (no pipe can fill up and block the child), a time limit, and an environment
 * of the test's choosing.
 */
public final class Cli {

    public record Result(List<String> command, int exitCode, String stdout, String stderr) {

        /** Fails the test with the command and both outputs unless the exit code is 0. */
        public Result assertSuccess() {
            if (exitCode != 0) {
                fail("`" + String.join(" ", command) + "` exited with " + exitCode + "\nstdout:\n" + tail(stdout)
                        + "\nstderr:\n" + tail(stderr));
            }
            return this;
        }

        /** The end of a long output (a Maven build's), where the reason is. */
        private static String tail(String output) {
            return output.length() <= 20_000 ? output : "…" + output.substring(output.length() - 20_000);
        }
    }

    private Cli() {
    }

    /**
     * Skips the calling test class when {@code binary} is not on {@code PATH}: the only reason a
     * client test may skip. CI installs every client, so there the tests always run.
     */
    public static void assumeOnPath(String binary) {
        Assumptions.assumeTrue(onPath(binary),
                binary + " is not on PATH; install it (Debian package '" + binary + "') to run this real-client test");
    }

    public static boolean onPath(String binary) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, binary);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return true;
            }
        }
        return false;
    }

    /**
     * An environment for skopeo and podman (containers/image) that shares nothing with other runs
     * on the machine. Run as root, both keep a machine-wide blob-info cache
     * ({@code /var/lib/containers/cache}) that remembers in which repositories of a registry a
     * digest was seen; a later push then mounts instead of uploading, which would hide bugs and
     * let this run depend on earlier ones. containers/image takes the cache from
     * {@code $XDG_DATA_HOME} only when it believes it is rootless, and it believes the uid in
     * {@code _CONTAINERS_ROOTLESS_UID}: with {@code 0} it still uses the machine-wide cache
     * (seen with skopeo 1.9), so a non-zero uid is set. Credentials come from an empty auth file,
     * per-user configuration from an empty folder.
     */
    /**
     * A podman command on a test's own storage: vfs under {@code work/storage}, run and temporary folders under
     * {@code shortDir} (podman refuses a runroot longer than 50 characters), events in a file, cgroupfs.
     */
    public static List<String> podman(Path work, Path shortDir, String... arguments) {
        List<String> command = new ArrayList<>(List.of("podman",
                "--storage-driver", "vfs",
                "--root", work.resolve("storage").toString(),
                "--runroot", shortDir.resolve("run").toString(),
                "--tmpdir", shortDir.resolve("tmp").toString(),
                "--events-backend", "file",
                "--cgroup-manager", "cgroupfs"));
        command.addAll(List.of(arguments));
        return command;
    }

    public static Map<String, String> isolatedContainersEnvironment(Path dir) {
        try {
            Files.createDirectories(dir.resolve("data"));
            Files.createDirectories(dir.resolve("config"));
            Files.createDirectories(dir.resolve("run"));
            Path auth = Files.writeString(dir.resolve("auth.json"), "{\"auths\":{}}");
            return Map.of(
                    "XDG_DATA_HOME", dir.resolve("data").toString(),
                    "XDG_CONFIG_HOME", dir.resolve("config").toString(),
                    "XDG_RUNTIME_DIR", dir.resolve("run").toString(),
                    "_CONTAINERS_ROOTLESS_UID", "1000",
                    "REGISTRY_AUTH_FILE", auth.toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs {@code command} to its end (or kills it and fails after {@code timeout}). */
    public static Result run(Duration timeout, Map<String, String> environment, Path workDir, List<String> command) {
        try {
            Files.createDirectories(workDir);
            Path out = Files.createTempFile(workDir, "stdout", ".txt");
            Path err = Files.createTempFile(workDir, "stderr", ".txt");
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                destroyTree(process.toHandle());
                fail("`" + String.join(" ", command) + "` did not finish within " + timeout + "\nstdout:\n"
                        + Files.readString(out) + "\nstderr:\n" + Files.readString(err));
            }
            Result result = new Result(List.copyOf(command), process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return result;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Result run(Duration timeout, Map<String, String> environment, Path workDir, String... command) {
        return run(timeout, environment, workDir, List.of(command));
    }

    /** Terminates a process and everything it started: SIGTERM first, SIGKILL after 10 s. */
    static void destroyTree(ProcessHandle root) {
        List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
        all.add(root);
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
    }
}
