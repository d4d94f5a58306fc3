package dev.layerdiff.engine.cuda;

import dev.layerdiff.engine.BackendException;

/** A CUDA call failed (out of memory, a failed launch, a lost device); the message names the call and the error. */
public final class CudaException extends BackendException {
    private static final long serialVersionUID = 1L;

    public CudaException(String message) {
        super(message);
    }
}
