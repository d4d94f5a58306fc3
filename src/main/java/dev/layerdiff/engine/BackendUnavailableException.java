package dev.layerdiff.engine;

/** The requested backend cannot run here; the message says why and how to fix it. */
public class BackendUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
