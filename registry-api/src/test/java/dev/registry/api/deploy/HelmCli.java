package dev.registry.api.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code helm} (or a shell around it) as a child process with its output in files, a time
 * limit, and every folder helm reads or writes under {@code home}: {@code HELM_CONFIG_HOME},
 * {@code HELM_CACHE_HOME}, {@code HELM_DATA_HOME}, {@code HELM_REGISTRY_CONFIG}, {@code HOME},
 * {@code DOCKER_CONFIG}, and no kubeconfig, so nothing of the machine's configuration is read or
 * written and no cluster is ever contacted.
 */
final class HelmCli {

    record Result(List<String> command, int exitCode, String stdout, String stderr) {

        /** Fails the test with the command and both outputs unless the exit code is 0. */
        Result assertSuccess() {
            if (exitCode != 0) {
                fail("`" + String.join(" ", command) + "` exited with " + exitCode + "\nstdout:\n" + stdout
                        + "\nstderr:\n" + stderr);
            }
            return this;
        }
    }

    private HelmCli() {
    }

    static Result run(Duration timeout, Path home, Path workDir, List<String> command) {
        try {
            for (String dir : List.of("config", "cache", "data", "home", "docker")) {
                Files.createDirectories(home.resolve(dir));
            }
            Path out = Files.createTempFile(workDir, "stdout", ".txt");
            Path err = Files.createTempFile(workDir, "stderr", ".txt");
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            Map<String, String> environment = builder.environment();
            environment.put("HELM_CONFIG_HOME", home.resolve("config").toString());
            environment.put("HELM_CACHE_HOME", home.resolve("cache").toString());
            environment.put("HELM_DATA_HOME", home.resolve("data").toString());
            environment.put("HELM_REGISTRY_CONFIG", home.resolve("config/registry.json").toString());
            environment.put("HOME", home.resolve("home").toString());
            environment.put("DOCKER_CONFIG", home.resolve("docker").toString());
            environment.put("KUBECONFIG", home.resolve("home/no-kubeconfig").toString());
            environment.remove("HELM_KUBECONTEXT");
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
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
