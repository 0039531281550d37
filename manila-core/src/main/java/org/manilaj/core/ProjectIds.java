package org.manilaj.core;

import java.util.regex.Pattern;

/** Project ids as Keystone makes them: hex, optionally with dashes, at most 64 characters. */
public final class ProjectIds {
    /** The pattern, for URL matching; it never matches a collection name such as {@code shares}. */
    public static final String REGEX = "[0-9a-fA-F][0-9a-fA-F\\-]{0,63}";
    private static final Pattern PROJECT_ID = Pattern.compile(REGEX);

    private ProjectIds() {
    }

    public static boolean isValid(String projectId) {
        return projectId != null && PROJECT_ID.matcher(projectId).matches();
    }

    public static String require(String projectId) {
        if (!isValid(projectId)) {
            throw ManilaException.badRequest("Invalid project id: hex digits and dashes, at most 64 characters.");
        }
        return projectId;
    }
}
