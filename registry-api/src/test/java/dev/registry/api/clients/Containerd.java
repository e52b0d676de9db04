package dev.registry.api.clients;

import dev.registry.api.RegistryClient;
import dev.registry.api.clients.ImageLayout.Layer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.util.FileSystemUtils;

/**
 * A containerd 1.6 of the test's own, driven with {@code ctr}: its own root, state and socket
 * under a temporary folder right under {@code /tmp} (a unix socket path must stay under 108
 * bytes) and the CRI plugin disabled, so it shares nothing with a containerd the machine may run.
 * Start one per test class; {@link #close()} stops it and removes the folder.
 */
final class Containerd implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final Path dir;
    private final Path socket;
    private final Process process;

    private Containerd(Path dir, Path socket, Process process) {
        this.dir = dir;
        this.socket = socket;
        this.process = process;
    }

    /** Skips the calling test class unless {@code containerd} and {@code ctr} are installed. */
    static void assumeInstalled() {
        Cli.assumeOnPath("containerd");
        Cli.assumeOnPath("ctr");
    }

    static boolean installed() {
        return Cli.onPath("containerd") && Cli.onPath("ctr");
    }

    /** Starts containerd and waits until {@code ctr version} answers on its socket (at most 30 s). */
    static Containerd start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "ctd");
        Path socket = dir.resolve("containerd.sock");
        Path config = Files.writeString(dir.resolve("config.toml"), """
                version = 2
                root = "%1$s/root"
                state = "%1$s/state"
                disabled_plugins = ["io.containerd.grpc.v1.cri"]
                [grpc]
                  address = "%2$s"
                [ttrpc]
                  address = "%1$s/containerd-ttrpc.sock"
                [debug]
                  address = ""
                [metrics]
                  address = ""
                [plugins."io.containerd.internal.v1.opt"]
                  path = "%1$s/opt"
                """.formatted(dir, socket));
        Process process = new ProcessBuilder("containerd", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("containerd.log").toFile()).start();
        Containerd containerd = new Containerd(dir, socket, process);
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            if (!process.isAlive()) {
                String log = Files.readString(dir.resolve("containerd.log"));
                containerd.close();
                throw new IllegalStateException("containerd exited with " + process.exitValue() + ":\n" + log);
            }
            if (Files.exists(socket) && Cli.run(TIMEOUT, Map.of(), dir, "ctr", "--address", socket.toString(), "version")
                    .exitCode() == 0) {
                return containerd;
            }
            if (Instant.now().isAfter(deadline)) {
                String log = Files.readString(dir.resolve("containerd.log"));
                containerd.close();
                throw new IllegalStateException("containerd did not answer on " + socket + " within 30 s:\n" + log);
            }
            Thread.sleep(100);
        }
    }

    /** The temporary folder containerd lives in; tests may put their own files here too. */
    Path dir() {
        return dir;
    }

    /** containerd's gRPC socket, for {@code ctr --address}. */
    Path socket() {
        return socket;
    }

    /** {@code ctr --address SOCKET -n k8s.io ARGUMENTS}, which must succeed. */
    Cli.Result ctr(String... arguments) {
        List<String> command = new ArrayList<>(List.of("ctr", "--address", socket.toString(), "-n", "k8s.io"));
        command.addAll(List.of(arguments));
        return Cli.run(TIMEOUT, Map.of(), dir, command).assertSuccess();
    }

    /**
     * {@code ctr images pull --plain-http --user CREDENTIALS} (what a kubelet's imagePullSecret
     * gives containerd), unpacked with the native snapshotter (plain directories: works where
     * overlayfs cannot be mounted, e.g. inside a container) and {@code --print-chainid}; returns the
     * chain ID containerd computed from the layers it unpacked.
     *
     * @param credentials {@code user:password}
     */
    String pull(String credentials, String reference, String... options) {
        String out = ctr(pullArguments(credentials, reference, options)).stdout();
        return out.lines().filter(line -> line.startsWith("image chain ID: ")).findFirst()
                .map(line -> line.substring("image chain ID: ".length()).trim())
                .orElseThrow(() -> new AssertionError("no chain ID in ctr output:\n" + out));
    }

    /** {@link #pull} that may fail: the result, whatever the exit code. */
    Cli.Result tryPull(String credentials, String reference) {
        List<String> command = new ArrayList<>(List.of("ctr", "--address", socket.toString(), "-n", "k8s.io"));
        command.addAll(List.of(pullArguments(credentials, reference)));
        return Cli.run(TIMEOUT, Map.of(), dir, command);
    }

    private static String[] pullArguments(String credentials, String reference, String... options) {
        List<String> arguments = new ArrayList<>(List.of("images", "pull", "--plain-http", "--snapshotter", "native",
                "--print-chainid", "--user", credentials));
        arguments.addAll(List.of(options));
        arguments.add(reference);
        return arguments.toArray(String[]::new);
    }

    /** The columns of {@code ctr images ls} for one reference: REF TYPE DIGEST SIZE(2 words) PLATFORMS LABELS. */
    List<String> listed(String reference) {
        String out = ctr("images", "ls").stdout();
        return out.lines().map(line -> Arrays.asList(line.trim().split("\\s+")))
                .filter(columns -> columns.getFirst().equals(reference)).findFirst()
                .orElseThrow(() -> new AssertionError(reference + " is not in `ctr images ls`:\n" + out));
    }

    /** Every digest in containerd's content store. */
    List<String> contentDigests() {
        return ctr("content", "ls", "-q").stdout().lines().map(String::trim).toList();
    }

    /** The image-spec chain ID: {@code ChainID(L0) = DiffID(L0)}, {@code ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln))}. */
    static String chainId(List<Layer> layers) {
        String chain = layers.getFirst().diffId();
        for (Layer layer : layers.subList(1, layers.size())) {
            chain = RegistryClient.digest((chain + " " + layer.diffId()).getBytes(StandardCharsets.US_ASCII));
        }
        return chain;
    }

    /** Stops containerd (and anything it started) and removes its folder. */
    @Override
    public void close() throws IOException {
        Cli.destroyTree(process.toHandle());
        FileSystemUtils.deleteRecursively(dir);
    }
}
