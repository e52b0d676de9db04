package dev.registry.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.storage.Digest;
import java.util.List;
import org.junit.jupiter.api.Test;

class S3LayoutTest {

    private final Digest digest = Digest.sha256("layout".getBytes());
    private final String id = "3f1c2a9e-1b2c-4d5e-8f90-0123456789ab";

    @Test
    void blobsLieUnderThePrefixByAlgorithmAndTheFirstTwoHexCharacters() {
        S3Layout layout = new S3Layout(S3Settings.of("b").withPrefix("/registry/prod/").prefix());
        String key = layout.blob(digest);
        assertThat(key).isEqualTo("registry/prod/blobs/sha256/" + digest.hex().substring(0, 2) + "/" + digest.hex());
        assertThat(layout.digestOf(key)).contains(digest);
    }

    @Test
    void withoutAPrefixKeysStartAtTheBucketRoot() {
        S3Layout layout = new S3Layout("");
        assertThat(layout.blob(digest)).startsWith("blobs/sha256/");
        assertThat(layout.state(id)).isEqualTo("uploads/" + id + "/state");
    }

    @Test
    void onlyWellFormedBlobKeysAreDigests() {
        S3Layout layout = new S3Layout("p");
        String hex = digest.hex();
        for (String key : List.of("p/blobs/sha256/" + hex, "p/blobs/sha256/zz/" + hex, "p/blobs/md5/" + hex.substring(0, 2) + "/" + hex,
                "p/uploads/" + id + "/state", "other/blobs/sha256/" + hex.substring(0, 2) + "/" + hex)) {
            assertThat(layout.digestOf(key)).as(key).isEmpty();
        }
    }

    @Test
    void uploadKeysAreBuiltOnlyFromUploadIdsTheStoreCouldHaveIssued() {
        S3Layout layout = new S3Layout("p");
        assertThat(layout.uploadIdOf(layout.tail(id, "0123456789abcdef0123456789abcdef"))).contains(id);
        assertThat(layout.uploadIdOf("p/uploads/not-an-id/state")).isEmpty();
        assertThatThrownBy(() -> layout.state("../blobs")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> layout.tail(id, "../state")).isInstanceOf(IllegalArgumentException.class);
    }
}
