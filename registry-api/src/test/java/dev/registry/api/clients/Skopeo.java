package dev.registry.api.clients;

import dev.registry.api.RegistryIntegrationTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The skopeo command line against the registry under test, over plain HTTP. */
public final class Skopeo {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final Map<String, String> environment;
    private final Path workDir;
    private final int port;
    private final String credentials;

    /** Signs in as the test context's system admin. */
    public Skopeo(Map<String, String> environment, Path workDir, int port) {
        this(environment, workDir, port, RegistryIntegrationTest.ADMIN + ":" + RegistryIntegrationTest.ADMIN_PASSWORD);
    }

    /**
     * @param environment from {@link Cli#isolatedContainersEnvironment}, one per test class
     * @param credentials {@code user:password} for {@code --creds} (a robot's name and secret, say), or null for anonymous
     */
    public Skopeo(Map<String, String> environment, Path workDir, int port, String credentials) {
        this.environment = environment;
        this.workDir = workDir;
        this.port = port;
        this.credentials = credentials;
    }

    /** {@code --creds user:password} (or nothing for anonymous) for commands that read the registry. */
    List<String> creds(String option) {
        return credentials == null ? List.of() : List.of(option, credentials);
    }

    /** {@code docker://localhost:<port>/<repository>[:tag|@digest]}. */
    String docker(String repositoryAndReference) {
        return "docker://localhost:" + port + "/" + repositoryAndReference;
    }

    Cli.Result run(String... arguments) {
        List<String> command = new ArrayList<>(List.of("skopeo"));
        command.addAll(List.of(arguments));
        return Cli.run(TIMEOUT, environment, workDir, command).assertSuccess();
    }

    /**
     * {@code skopeo copy --preserve-digests} of a layout's tag into the registry: skopeo fails
     * rather than rewrite a manifest, so what arrives is byte for byte what the layout holds.
     */
    public Cli.Result copyIn(ImageLayout layout, String tag, String destination, String... options) {
        List<String> arguments = new ArrayList<>(List.of("copy", "--preserve-digests", "--dest-tls-verify=false"));
        arguments.addAll(creds("--dest-creds"));
        arguments.addAll(List.of(options));
        arguments.addAll(List.of(layout.reference(tag), docker(destination)));
        return run(arguments.toArray(String[]::new));
    }

    /** {@code skopeo copy --preserve-digests} of {@code source} out of the registry into a layout folder. */
    public Cli.Result copyOut(String source, Path layout, String tag, String... options) {
        List<String> arguments = new ArrayList<>(List.of("copy", "--preserve-digests", "--src-tls-verify=false"));
        arguments.addAll(creds("--src-creds"));
        arguments.addAll(List.of(options));
        arguments.addAll(List.of(docker(source), "oci:" + layout + ":" + tag));
        return run(arguments.toArray(String[]::new));
    }
}
