package dev.registry.api.faults;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of one test's own, so the test may stop and start it: {@code initdb} into a
 * temporary folder and {@code pg_ctl} on a free port of 127.0.0.1 (trust authentication, user
 * {@code postgres}, database {@code postgres}), from the newest {@code /usr/lib/postgresql/<v>/bin}.
 * PostgreSQL refuses to run as root, so under root every command runs as the {@code postgres}
 * system user through {@code runuser}, and the folder is handed to that user.
 *
 * <p>{@link #unavailableReason()} says why it cannot run here (no binaries, no {@code postgres}
 * user), for the test to skip with.
 */
final class PrivatePostgres implements AutoCloseable {

    private static final Path INSTALLATIONS = Path.of("/usr/lib/postgresql");

    private final Path bin;
    private final Path folder;
    private final int port;
    private final boolean asRoot;

    private PrivatePostgres(Path bin, Path folder, int port, boolean asRoot) {
        this.bin = bin;
        this.folder = folder;
        this.port = port;
        this.asRoot = asRoot;
    }

    /** Why no private server can run on this machine, or empty when it can. */
    static Optional<String> unavailableReason() {
        if (binaries().isEmpty()) {
            return Optional.of("no PostgreSQL server binaries under " + INSTALLATIONS + "/*/bin");
        }
        if (isRoot() && !Files.isExecutable(Path.of("/usr/sbin/runuser")) && !Files.isExecutable(Path.of("/sbin/runuser"))) {
            return Optional.of("running as root without runuser: PostgreSQL refuses to run as root");
        }
        if (isRoot() && !hasPostgresUser()) {
            return Optional.of("running as root without a postgres system user: PostgreSQL refuses to run as root");
        }
        return Optional.empty();
    }

    private static boolean hasPostgresUser() {
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(line -> line.startsWith("postgres:"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Creates the cluster and starts it. */
    static PrivatePostgres start() throws IOException, InterruptedException {
        Path bin = binaries().orElseThrow();
        Path folder = Files.createTempDirectory(Path.of("/tmp"), "registry-pg-");
        boolean asRoot = isRoot();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        PrivatePostgres server = new PrivatePostgres(bin, folder, port, asRoot);
        if (asRoot) {
            run(List.of("chown", "postgres:postgres", folder.toString()), false);
        }
        server.pg("initdb", "-D", server.data(), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8");
        server.startServer();
        return server;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** Starts the (stopped) server again on the same port and data. */
    void startServer() throws IOException, InterruptedException {
        pg("pg_ctl", "-D", data(), "-l", folder.resolve("server.log").toString(), "-w", "-t", "60",
                "-o", "-p " + port + " -k " + folder + " -c listen_addresses=127.0.0.1 -c fsync=off", "start");
    }

    /** Stops the server the way an outage does: open sessions are cut off ({@code -m fast}). */
    void stopServer() throws IOException, InterruptedException {
        pg("pg_ctl", "-D", data(), "-m", "fast", "-w", "-t", "60", "stop");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (Files.exists(folder.resolve("data/postmaster.pid"))) {
                stopServer();
            }
        } finally {
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private String data() {
        return folder.resolve("data").toString();
    }

    private void pg(String program, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (asRoot) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(arguments));
        run(command, true);
    }

    private static void run(List<String> command, boolean inTmp) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (inTmp) {
            builder.directory(Path.of("/tmp").toFile()); // the postgres user may not enter the build's folder
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static Optional<Path> binaries() {
        if (!Files.isDirectory(INSTALLATIONS)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(INSTALLATIONS)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("pg_ctl")) && Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(b -> versionOf(b.getParent())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int versionOf(Path installation) {
        try {
            return Integer.parseInt(installation.getFileName().toString().replaceAll("\\..*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
