package org.manilaj.core;

/**
 * The one error type of the service. Its message is shown to the caller, so it must never carry
 * backend output, host names or stack traces: those go to the log.
 */
public class ManilaException extends RuntimeException {
    private final ErrorCategory category;

    public ManilaException(ErrorCategory category, String message) {
        super(message);
        this.category = category;
    }

    public ErrorCategory category() {
        return category;
    }

    public static ManilaException badRequest(String message) {
        return new ManilaException(ErrorCategory.BAD_REQUEST, message);
    }

    public static ManilaException notFound(String message) {
        return new ManilaException(ErrorCategory.NOT_FOUND, message);
    }

    public static ManilaException conflict(String message) {
        return new ManilaException(ErrorCategory.CONFLICT, message);
    }

    public static ManilaException forbidden(String message) {
        return new ManilaException(ErrorCategory.FORBIDDEN, message);
    }
}
