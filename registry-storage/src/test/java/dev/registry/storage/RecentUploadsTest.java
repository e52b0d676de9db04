package dev.registry.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The bounded per-process map of upload shortcuts: it never grows past its limit, and keeps the recent. */
class RecentUploadsTest {

    @Test
    void entriesBeyondTheLimitEvictTheLeastRecentlyWrittenAndTheRecentStay() {
        RecentUploads<Integer> uploads = new RecentUploads<>(100);

        for (int i = 0; i < 1_000; i++) {
            uploads.put("upload-" + i, i);
            // an upload still being appended to is written again and again
            uploads.put("busy", i);
        }

        assertThat(uploads.size()).isLessThanOrEqualTo(100);
        assertThat(uploads.get("busy")).isEqualTo(999);
        assertThat(uploads.get("upload-999")).isEqualTo(999);
        assertThat(uploads.get("upload-0")).isNull();
    }

    @Test
    void removeReturnsTheValueOnce() {
        RecentUploads<String> uploads = new RecentUploads<>(10);
        uploads.put("a", "digest");

        assertThat(uploads.remove("a")).isEqualTo("digest");
        assertThat(uploads.remove("a")).isNull();
    }
}
