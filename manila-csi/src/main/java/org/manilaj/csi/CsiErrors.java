package org.manilaj.csi;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.manilaj.csi.api.ApiException;

/** gRPC status errors as the CSI specification names them, with short messages meant for the CO's events. */
public final class CsiErrors {
    private CsiErrors() {
    }

    public static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

    public static StatusRuntimeException notFound(String message) {
        return Status.NOT_FOUND.withDescription(message).asRuntimeException();
    }

    public static StatusRuntimeException alreadyExists(String message) {
        return Status.ALREADY_EXISTS.withDescription(message).asRuntimeException();
    }

    public static StatusRuntimeException outOfRange(String message) {
        return Status.OUT_OF_RANGE.withDescription(message).asRuntimeException();
    }

    public static StatusRuntimeException exhausted(String message) {
        return Status.RESOURCE_EXHAUSTED.withDescription(message).asRuntimeException();
    }

    public static StatusRuntimeException precondition(String message) {
        return Status.FAILED_PRECONDITION.withDescription(message).asRuntimeException();
    }

    public static StatusRuntimeException aborted(String message) {
        return Status.ABORTED.withDescription(message).asRuntimeException();
    }

    public static StatusRuntimeException internal(String message) {
        return Status.INTERNAL.withDescription(message).asRuntimeException();
    }

    public static StatusRuntimeException deadline(String message) {
        return Status.DEADLINE_EXCEEDED.withDescription(message).asRuntimeException();
    }

    /**
     * A failed asynchronous operation, from the service's user message: RESOURCE_EXHAUSTED when no pool
     * could take it (the scheduler's fixed text) or a quota refused it, INTERNAL otherwise.
     */
    public static StatusRuntimeException failedOperation(String userMessage) {
        boolean exhausted = userMessage.contains("No storage could be allocated")
                || userMessage.toLowerCase(java.util.Locale.ROOT).contains("quota");
        return exhausted ? exhausted(userMessage) : internal(userMessage);
    }

    /** The service's refusal as a CSI code; its message is the service's own tenant-safe text. */
    public static StatusRuntimeException fromApi(ApiException e) {
        Status status = switch (e.status()) {
            case 0, 502, 503, 504 -> Status.UNAVAILABLE;
            case 400 -> Status.INVALID_ARGUMENT;
            case 401 -> Status.UNAUTHENTICATED;
            case 403 -> Status.PERMISSION_DENIED;
            case 404 -> Status.NOT_FOUND;
            case 409 -> Status.ABORTED;
            case 413 -> Status.RESOURCE_EXHAUSTED;
            default -> Status.INTERNAL;
        };
        return status.withDescription(e.getMessage()).asRuntimeException();
    }
}
