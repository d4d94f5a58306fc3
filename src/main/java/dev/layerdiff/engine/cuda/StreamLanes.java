package dev.layerdiff.engine.cuda;

/**
 * Owns the backend's stream lanes: {@value #LANES} staging lanes (pinned buffers of {@value #LANE_MIB}
 * MiB per side each) that pair chunks stream through in turn, and one lane without buffers for tensors
 * already on the device; each created on first use. Counts them and destroys them on close (idempotent).
 */
final class StreamLanes implements AutoCloseable {
    /** Staging lanes in flight at once. */
    static final int LANES = 3;
    static final int LANE_MIB = 32;
    /** Bytes per side per lane: also the largest read of an archive, under the readers' limit. */
    static final int LANE_BYTES = LANE_MIB << 20;

    private final int device;
    private final StreamLane[] staging = new StreamLane[LANES];
    private StreamLane resident;
    private boolean closed;

    StreamLanes(int device) {
        this.device = device;
    }

    /** Staging lane {@code i} (0 to {@value #LANES} - 1). */
    StreamLane staging(int i) {
        ensureOpen();
        if (staging[i] == null) staging[i] = StreamLane.create(device, LANE_BYTES);
        return staging[i];
    }

    /** The lane for tensors already on the device. */
    StreamLane resident() {
        ensureOpen();
        if (resident == null) resident = StreamLane.create(device, 0);
        return resident;
    }

    /** Retires every staging lane's chunk in flight, oldest first: lane {@code next} is the oldest. */
    void retireAll(int next) {
        for (int i = 0; i < LANES; i++) {
            StreamLane s = staging[(next + i) % LANES];
            if (s != null) s.retire();
        }
    }

    /** After a failure: waits out every lane's work, ignoring its result. */
    void abandon() {
        for (StreamLane s : staging) {
            if (s != null) s.abandon();
        }
        if (resident != null) resident.abandon();
    }

    /** Lanes created and not yet destroyed. */
    int count() {
        int n = resident == null ? 0 : 1;
        for (StreamLane s : staging) if (s != null) n++;
        return n;
    }

    /** Pinned host bytes the lanes hold (each holds as many device bytes for its staging copies). */
    long pinnedBytes() {
        long n = 0;
        for (StreamLane s : staging) if (s != null) n += 2 * s.bytes();
        return n;
    }

    /** Destroys every lane. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (int i = 0; i < LANES; i++) {
            if (staging[i] != null) staging[i].close();
            staging[i] = null;
        }
        if (resident != null) resident.close();
        resident = null;
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("the CUDA backend on device " + device + " is closed");
    }
}
