package dev.registry.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** OCI image spec, "Digests": registered algorithms sha256 and sha512 with lower-case hex. */
class DigestTest {

    @Test
    void parsesSha256AndSha512() {
        String sha256 = "sha256:" + "a".repeat(64);
        String sha512 = "sha512:" + "b".repeat(128);
        assertThat(Digest.parse(sha256).toString()).isEqualTo(sha256);
        assertThat(Digest.parse(sha512).algorithm()).isEqualTo("sha512");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "sha256", "sha256:", "sha256:abc", "md5:" + "a", "SHA256:aaaa",
            "sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "sha512:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void refusesAnythingElse(String value) {
        assertThatThrownBy(() -> Digest.parse(value)).isInstanceOf(InvalidDigestException.class);
    }

    @Test
    void hashesContent() {
        assertThat(Digest.sha256(new byte[0]).toString())
                .isEqualTo("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
