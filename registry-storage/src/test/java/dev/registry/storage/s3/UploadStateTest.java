package dev.registry.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.storage.StorageException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class UploadStateTest {

    @Test
    void aStateReadBackIsTheStateWritten() {
        UploadState state = new UploadState(5L * 1024 * 1024 + 3, "0123456789abcdef0123456789abcdef",
                "mpu/Id+with=chars", List.of(new UploadState.Part(1, "\"etag-1\"", 5L * 1024 * 1024)),
                new UploadState.Tail("fedcba9876543210fedcba9876543210", "\"etag-t\"", 3));

        UploadState read = UploadState.decode("id", state.encode());

        assertThat(read).usingRecursiveComparison().isEqualTo(state);
        assertThat(read.partsSize()).isEqualTo(5L * 1024 * 1024);
    }

    @Test
    void aNewUploadHasNoBytesNoPartsAndNoTail() {
        UploadState empty = UploadState.decode("id", UploadState.empty("0123456789abcdef0123456789abcdef").encode());
        assertThat(empty.size()).isZero();
        assertThat(empty.multipart()).isNull();
        assertThat(empty.tail()).isNull();
        assertThat(empty.parts()).isEmpty();
    }

    @Test
    void anUnreadableStateIsAStorageFailure() {
        assertThatThrownBy(() -> UploadState.decode("id", "garbage".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> UploadState.decode("id", "registry-s3-upload 2\nsize x\ntoken t\nmultipart -\n"
                .getBytes(StandardCharsets.UTF_8))).isInstanceOf(StorageException.class);
    }
}
