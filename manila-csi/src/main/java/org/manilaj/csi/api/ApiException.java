package org.manilaj.csi.api;

/** The REST API refused a request ({@code status} 4xx/5xx) or could not be reached ({@code status} 0). */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public boolean notFound() {
        return status == 404;
    }
}
