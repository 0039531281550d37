package org.manilaj.api.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.ZipException;
import org.manilaj.core.ManilaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only place where failures become HTTP responses, in Manila's body:
 * {@code {"<faultName>": {"code": N, "message": "..."}}}. Unexpected exceptions are logged in full and
 * answered with a generic 500 that reveals nothing.
 */
@Provider
public final class ManilaErrorMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = LoggerFactory.getLogger(ManilaErrorMapper.class);
    /**
     * Unique violation, foreign key violation (the parent was deleted meanwhile), serialization failure,
     * deadlock, H2's lock timeout.
     */
    private static final Set<String> RACE_LOST = Set.of("23505", "23503", "40001", "40P01", "HYT00");

    @Override
    public Response toResponse(Throwable error) {
        // also one a body's reading raised (too large, cut short) that the JSON reader wrapped
        if (find(error, ManilaException.class) instanceof ManilaException manila) {
            return fault(statusOf(manila), manila.getMessage());
        }
        Throwable json = findJsonError(error);
        if (json != null) {
            return fault(400, describeJsonError(json));
        }
        String sqlState = find(error, SQLException.class) instanceof SQLException sql ? sql.getSQLState() : null;
        if (sqlState != null && RACE_LOST.contains(sqlState)) {
            // a unique key or a lock decided between two concurrent requests: this one lost, and may retry
            LOG.info("request lost a race in the database (SQLState {}): {}", sqlState, error.getMessage());
            return fault(409, "The request conflicts with a concurrent change of the same resource; try again.");
        }
        if (causedBy(error, ZipException.class)) {
            return fault(400, "Malformed request body: Content-Encoding says gzip but the body is not gzip.");
        }
        if (error instanceof WebApplicationException web) {
            int status = web.getResponse().getStatus();
            return fault(status, switch (status) {
                case 404 -> "The resource could not be found.";
                case 405 -> "The method is not allowed for the requested URL.";
                case 415 -> "Unsupported Content-Type";
                case 406 -> "Not acceptable.";
                default -> status < 500 ? "Bad request." : "The server has either erred or is incapable of performing"
                        + " the requested operation.";
            });
        }
        LOG.error("unexpected error while handling a request", error);
        return fault(500, "The server has either erred or is incapable of performing the requested operation.");
    }

    private static int statusOf(ManilaException error) {
        return switch (error.category()) {
            case BAD_REQUEST -> 400;
            case UNAUTHORIZED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case NOT_ACCEPTABLE -> 406;
            case CONFLICT -> 409;
            case OVER_LIMIT -> 413;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
        };
    }

    static String faultName(int status) {
        return switch (status) {
            case 400 -> "badRequest";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "itemNotFound";
            case 405 -> "badMethod";
            case 409 -> "conflictingRequest";
            case 413 -> "overLimit";
            case 414, 431 -> "badRequest";
            case 415 -> "badMediaType";
            case 501 -> "notImplemented";
            case 503 -> "serviceUnavailable";
            default -> "computeFault";
        };
    }

    private static Response fault(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", status);
        body.put("message", message);
        Response.ResponseBuilder response = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of(faultName(status), body));
        if (status == 413) {
            response.header("Retry-After", "0");
        }
        return response.build();
    }

    private static Throwable findJsonError(Throwable error) {
        return find(error, JsonProcessingException.class);
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        return find(error, type) != null;
    }

    private static Throwable find(Throwable error, Class<? extends Throwable> type) {
        int depth = 0;
        for (Throwable cause = error; cause != null && depth < 20; cause = cause.getCause(), depth++) {
            if (type.isInstance(cause)) {
                return cause;
            }
        }
        return null;
    }

    /** Names the offending field, never Java types: the caller needs the field, not our class names. */
    private static String describeJsonError(Throwable error) {
        if (error instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = mapping.getPath().stream()
                    .map(reference -> reference.getFieldName() != null ? reference.getFieldName() : "[" + reference.getIndex() + "]")
                    .collect(Collectors.joining("."));
            return "Malformed request body: invalid value for '" + field + "'.";
        }
        return "Malformed request body: it is not valid JSON.";
    }
}
