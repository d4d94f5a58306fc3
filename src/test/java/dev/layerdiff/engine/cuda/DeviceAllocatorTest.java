package dev.layerdiff.engine.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The owner of device memory, over counting fake calls (no GPU needed): it counts what it hands out,
 * frees each block exactly once (by the block's close or its own), and refuses use after close.
 */
class DeviceAllocatorTest {
    /** Hands out fake addresses and records every free. */
    private static final class Counting implements DeviceAllocator.Calls {
        long next = 0x1000;
        final List<Long> freed = new ArrayList<>();

        @Override
        public int malloc(int device, long bytes, long[] address) {
            address[0] = next;
            next += 0x1000;
            return 0;
        }

        @Override
        public int free(long address) {
            freed.add(address);
            return 0;
        }
    }

    @Test
    void countsBlocksAndFreesEachOnce() {
        Counting calls = new Counting();
        DeviceAllocator memory = new DeviceAllocator(0, calls);
        DeviceMemory a = memory.allocate(100, "a"), b = memory.allocate(200, "b"), c = memory.allocate(300, "c");
        assertThat(memory.blocks()).isEqualTo(3);
        assertThat(memory.bytes()).isEqualTo(600);

        b.close();
        b.close();
        assertThat(calls.freed).containsExactly(0x2000L);
        assertThat(memory.blocks()).isEqualTo(2);
        assertThat(memory.bytes()).isEqualTo(400);

        memory.close();
        memory.close();
        assertThat(calls.freed).containsExactlyInAnyOrder(0x1000L, 0x2000L, 0x3000L);
        assertThat(memory.blocks()).isZero();
        assertThat(memory.bytes()).isZero();
        assertThat(a.isClosed()).isTrue();
        assertThat(c.isClosed()).isTrue();
        c.close();
        assertThat(calls.freed).hasSize(3);
    }

    @Test
    void refusesUseAfterClose() {
        DeviceAllocator memory = new DeviceAllocator(0, new Counting());
        DeviceMemory a = memory.allocate(64, "a");
        a.close();
        ByteBuffer direct = ByteBuffer.allocateDirect(8);
        assertThatThrownBy(() -> a.upload(0, direct)).isInstanceOf(IllegalStateException.class)
                .hasMessage("uploading to device memory of 64 bytes at 0x1000: it is closed");
        assertThatThrownBy(() -> a.download(0, direct)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("it is closed");
        assertThatThrownBy(a::address).isInstanceOf(IllegalStateException.class);
        memory.close();
        assertThatThrownBy(() -> memory.allocate(8, "an image")).isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot allocate an image: the CUDA backend on device 0 is closed");
    }

    @Test
    void refusesCopiesOutsideTheBlock() {
        DeviceAllocator memory = new DeviceAllocator(0, new Counting());
        DeviceMemory a = memory.allocate(16, "a");
        assertThatThrownBy(() -> a.upload(10, ByteBuffer.allocateDirect(8)))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("upload of 8 bytes at offset 10 is outside [0, 16)");
        assertThatThrownBy(() -> a.download(-1, ByteBuffer.allocateDirect(1)))
                .isInstanceOf(IndexOutOfBoundsException.class);
        memory.close();
    }
}
