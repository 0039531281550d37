package org.manilaj.core;

/** What kind of failure a {@link ManilaException} is; the API maps each to one HTTP status. */
public enum ErrorCategory {
    BAD_REQUEST,
    UNAUTHORIZED,
    FORBIDDEN,
    NOT_FOUND,
    NOT_ACCEPTABLE,
    CONFLICT,
    OVER_LIMIT,
    UNAVAILABLE,
    INTERNAL
}
