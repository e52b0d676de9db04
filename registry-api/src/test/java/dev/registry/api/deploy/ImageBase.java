package dev.registry.api.deploy;

import dev.registry.api.clients.Cli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The JRE base image {@link ContainerImageTest} builds on, since this machine cannot pull {@code eclipse-temurin}: an
 * OCI image layout made once by {@code deploy/image/local-jre-base.sh} (debootstrap of Debian trixie with
 * openjdk-25-jre-headless, about a minute) and kept outside the checkout, under
 * {@code $XDG_CACHE_HOME/registry-image-test} (default {@code ~/.cache}), named after a hash of the script so that a
 * changed script makes a new one. Later runs reuse it.
 */
final class ImageBase {

    /** The tag the script gives the image in its layout. */
    static final String TAG = "25";

    private ImageBase() {
    }

    /** The cached layout, made first if missing; skips the calling test when it cannot be made here. */
    static Path ociLayout(Path checkout, Path work) {
        Path script = checkout.resolve("deploy/image/local-jre-base.sh");
        Path layout = cacheRoot().resolve("jre-" + TAG + "-" + hash(script));
        if (Files.isRegularFile(layout.resolve("index.json"))) {
            return layout;
        }
        for (String tool : List.of("debootstrap", "umoci", "chroot")) {
            Assumptions.assumeTrue(Cli.onPath(tool) || Files.isExecutable(Path.of("/usr/sbin", tool)),
                    tool + " is not installed: the local JRE base image is made with debootstrap and umoci "
                            + "(Debian packages, which .ci/run installs)");
        }
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "debootstrap needs root to make the local JRE base image (run the tests as root, as CI does)");
        Cli.run(Duration.ofMinutes(10), Map.of(), work, List.of("bash", script.toString(), layout.toString()))
                .assertSuccess();
        return layout;
    }

    private static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path root = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return root.resolve("registry-image-test");
    }

    private static String hash(Path script) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(script));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
