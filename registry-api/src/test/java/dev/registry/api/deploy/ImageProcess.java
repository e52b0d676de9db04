package dev.registry.api.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command of {@link ContainerImageTest} (the nested Maven build, skopeo, podman, the base image script) to its
 * end with a time limit, its output in files (no pipe can fill up and block it) and an environment of the test's
 * choosing added to the test JVM's.
 */
final class ImageProcess {

    record Result(List<String> command, int exitCode, String stdout, String stderr) {

        /** Fails the test with the command and both outputs unless the exit code is 0. */
        Result assertSuccess() {
            if (exitCode != 0) {
                fail("`" + String.join(" ", command) + "` exited with " + exitCode + "\nstdout:\n" + tail(stdout)
                        + "\nstderr:\n" + tail(stderr));
            }
            return this;
        }

        private static String tail(String output) {
            return output.length() <= 20_000 ? output : "…" + output.substring(output.length() - 20_000);
        }
    }

    private ImageProcess() {
    }

    static boolean onPath(String binary) {
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

    static Result run(Duration timeout, Map<String, String> environment, Path workDir, List<String> command) {
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
                List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
                all.add(process.toHandle());
                all.forEach(ProcessHandle::destroyForcibly);
                process.waitFor(10, TimeUnit.SECONDS);
                fail("`" + String.join(" ", command) + "` did not finish within " + timeout + "\nstdout:\n"
                        + Files.readString(out) + "\nstderr:\n" + Files.readString(err));
            }
            Result result = new Result(List.copyOf(command), process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
