package dev.layerdiff.engine;

/**
 * A backend failed while running (a GPU out of memory, a failed kernel launch, a lost device): the
 * comparison has no result, never a partial or silently wrong one. The message says what failed.
 */
public class BackendException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BackendException(String message) {
        super(message);
    }

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
