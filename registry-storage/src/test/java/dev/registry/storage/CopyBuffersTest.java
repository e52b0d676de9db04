package dev.registry.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopyBuffersTest {

    @Test
    void aSmallBlobGetsABufferOfItsOwnLengthWhichIsNotKept() {
        assertThat(CopyBuffers.take(190)).hasSize(190);
        assertThat(CopyBuffers.take(0)).hasSize(1);
        byte[] small = CopyBuffers.take(CopyBuffers.SIZE - 1);
        assertThat(small).hasSize(CopyBuffers.SIZE - 1);
        CopyBuffers.give(small);
        assertThat(CopyBuffers.take(CopyBuffers.SIZE)).isNotSameAs(small);
    }

    @Test
    void aLargeOrUnknownLengthGetsAKeptBufferBackAfterItWasGiven() {
        byte[] first = CopyBuffers.take(8L << 20);
        assertThat(first).hasSize(CopyBuffers.SIZE);
        CopyBuffers.give(first);
        // other tests of this JVM may take buffers meanwhile: the given one comes back among the next ones taken
        List<byte[]> taken = new ArrayList<>();
        for (int i = 0; i < CopyBuffers.KEPT; i++) {
            taken.add(CopyBuffers.take(-1));
        }
        assertThat(taken).allSatisfy(b -> assertThat(b).hasSize(CopyBuffers.SIZE));
        assertThat(taken).anySatisfy(b -> assertThat(b).isSameAs(first));
        taken.forEach(CopyBuffers::give);
    }

    @Test
    void atMostKeptBuffersAreKept() {
        List<byte[]> taken = new ArrayList<>();
        for (int i = 0; i < CopyBuffers.KEPT + 8; i++) {
            taken.add(CopyBuffers.take(CopyBuffers.SIZE));
        }
        taken.forEach(CopyBuffers::give);
        List<byte[]> again = new ArrayList<>();
        for (int i = 0; i < CopyBuffers.KEPT + 8; i++) {
            again.add(CopyBuffers.take(CopyBuffers.SIZE));
        }
        long reused = again.stream().filter(b -> taken.stream().anyMatch(t -> t == b)).count();
        assertThat(reused).isLessThanOrEqualTo(CopyBuffers.KEPT).isGreaterThan(0);
        again.forEach(CopyBuffers::give);
    }
}
