package dev.registry.api.faults;

import dev.registry.api.RegistryApplication;
import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The registry as a child process of the test, so that a test can kill it with SIGKILL (what
 * {@link Process#destroyForcibly()} sends on Linux) and start it again on the same data: the test
 * JVM's own {@code java} and class path running {@link RegistryApplication}, in a working folder
 * of the test's, with the shipped defaults (H2 file database and filesystem blobs under
 * {@code ./data}) and only the port and the admin's password set; or, {@link #launched}, another
 * way of starting the application (a packaged jar with its own JVM options).
 */
public final class RegistryProcess {

    private final Path folder;
    private final int port;
    private final List<String> launcher;
    private final List<String> arguments;
    private final int probePort;
    private Process process;

    private RegistryProcess(Path folder, int port, List<String> launcher, List<String> arguments, int probePort) {
        this.folder = folder;
        this.port = port;
        this.launcher = launcher;
        this.arguments = arguments;
        this.probePort = probePort;
    }

    /** A registry to run in {@code folder}, with these command-line arguments besides the port and the admin's password. */
    public static RegistryProcess in(Path folder, String... arguments) throws IOException {
        return launched(folder, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                RegistryApplication.class.getName()), arguments);
    }

    /**
     * A registry started by {@code launcher} (the command up to the application's arguments, such as
     * {@code java <options> -jar registry.jar}) in {@code folder}, with these arguments besides the
     * port and the admin's password.
     */
    public static RegistryProcess launched(Path folder, List<String> launcher, String... arguments) throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return new RegistryProcess(folder, socket.getLocalPort(), List.copyOf(launcher), List.of(arguments),
                    socket.getLocalPort());
        }
    }

    /** The same registry with the actuator on a management port of its own ({@code management.server.port}). */
    public RegistryProcess withManagementPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            List<String> withPort = new ArrayList<>(arguments);
            withPort.add("--management.server.port=" + socket.getLocalPort());
            return new RegistryProcess(folder, port, launcher, List.copyOf(withPort), socket.getLocalPort());
        }
    }

    /** Where the readiness probe answers: the registry's port, or the management port. */
    public int probePort() {
        return probePort;
    }

    public int port() {
        return port;
    }

    public RegistryClient admin() {
        return new RegistryClient(port);
    }

    /** Starts it and waits (at most three minutes) until its readiness probe is UP. */
    public void start() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(
                "--server.port=" + port,
                "--spring.main.banner-mode=off",
                "--registry.admin.password=" + RegistryIntegrationTest.ADMIN_PASSWORD,
                "--registry.projects.create-on-push=true",
                "--logging.level.root=warn"));
        command.addAll(arguments);
        process = new ProcessBuilder(command).directory(folder.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(folder.resolve("registry.log").toFile()))
                .start();
        RegistryClient anonymous = RegistryClient.anonymous(probePort);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the registry exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                if (anonymous.send("GET", "/actuator/health/readiness").statusCode() == 200) {
                    return;
                }
            } catch (RuntimeException notYetListening) {
                // connection refused until Tomcat listens
            }
            Thread.sleep(100);
        }
        kill();
        throw new IllegalStateException("the registry did not become ready within three minutes:\n" + log());
    }

    /** The running process's id. */
    public long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook, no flush, no clean close of the database. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(60, TimeUnit.SECONDS);
        }
    }

    public String log() {
        try {
            return Files.readString(folder.resolve("registry.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
