package dev.registry.api.deploy;

import dev.registry.api.clients.Cli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs {@code helm} (or a shell around it) as a child process with its output in files, a time
 * limit, and every folder helm reads or writes under {@code home}: {@code HELM_CONFIG_HOME},
 * {@code HELM_CACHE_HOME}, {@code HELM_DATA_HOME}, {@code HELM_REGISTRY_CONFIG}, {@code HOME},
 * {@code DOCKER_CONFIG}, and no kubeconfig, so nothing of the machine's configuration is read or
 * written and no cluster is ever contacted.
 */
final class HelmCli {

    private HelmCli() {
    }

    static Cli.Result run(Duration timeout, Path home, Path workDir, List<String> command) {
        try {
            for (String dir : List.of("config", "cache", "data", "home", "docker")) {
                Files.createDirectories(home.resolve(dir));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> environment = new HashMap<>();
        environment.put("HELM_CONFIG_HOME", home.resolve("config").toString());
        environment.put("HELM_CACHE_HOME", home.resolve("cache").toString());
        environment.put("HELM_DATA_HOME", home.resolve("data").toString());
        environment.put("HELM_REGISTRY_CONFIG", home.resolve("config/registry.json").toString());
        environment.put("HOME", home.resolve("home").toString());
        environment.put("DOCKER_CONFIG", home.resolve("docker").toString());
        environment.put("KUBECONFIG", home.resolve("home/no-kubeconfig").toString());
        environment.put("HELM_KUBECONTEXT", ""); // empty: unset for helm
        return Cli.run(timeout, environment, workDir, command);
    }
}
