package dev.layerdiff.archive.torch;

import dev.layerdiff.archive.ArchiveException;

/**
 * How much work a pickle may cause, in units of values visited and characters built. Shared containers
 * let a few hundred bytes describe 2^40 values (a list holding the previous one twice, forty times), so
 * the work is bounded by the pickle's own size: a tree-shaped pickle needs at least one opcode byte per
 * value, and the floor leaves room for moderate sharing in small files.
 */
final class WorkBudget {
    private final String file;
    private final String what;
    private final long limit;
    private long left;

    /** {@code floor + perByte * pickleBytes} units; {@code what} names the work in the refusal. */
    WorkBudget(String file, String what, long floor, long perByte, long pickleBytes) {
        this.file = file;
        this.what = what;
        this.limit = floor + perByte * pickleBytes;
        this.left = limit;
    }

    void spend(long units) throws ArchiveException {
        left -= units;
        if (left < 0) {
            throw new ArchiveException(file, what + " more than " + limit + " values and characters, far more than its size"
                    + " explains (containers shared many times over); refusing it");
        }
    }
}
