package org.manilaj.core.share;

import java.util.Locale;
import java.util.Map;
import org.manilaj.core.ManilaException;

/**
 * A validated share list request. The sort column and direction come from a whitelist, because the
 * DAO splices them into SQL.
 */
public record ShareQuery(String name, String status, String shareTypeId, String sortColumn, String sortDirection,
                         int limit, long offset, boolean allProjects) {
    public static final int MAX_LIMIT = 1000;
    private static final Map<String, String> SORT_COLUMNS = Map.ofEntries(
            Map.entry("id", "id"),
            Map.entry("name", "name"),
            Map.entry("display_name", "name"),
            Map.entry("description", "description"),
            Map.entry("status", "status"),
            Map.entry("size", "size_gb"),
            Map.entry("host", "host"),
            Map.entry("share_proto", "share_proto"),
            Map.entry("availability_zone", "availability_zone"),
            Map.entry("user_id", "user_id"),
            Map.entry("project_id", "project_id"),
            Map.entry("share_type_id", "share_type_id"),
            Map.entry("is_public", "is_public"),
            Map.entry("created_at", "created_at"),
            Map.entry("updated_at", "updated_at"));

    /** Parses Manila's query parameters; any of them may be {@code null}. */
    public static ShareQuery parse(String name, String status, String shareTypeId, String sortKey, String sortDir,
                                   String limit, String offset, boolean allProjects) {
        String column = SORT_COLUMNS.get(sortKey == null ? "created_at" : sortKey);
        if (column == null) {
            throw ManilaException.badRequest("Wrong sorting key provided - '" + sortKey + "'.");
        }
        String direction = sortDir == null ? "desc" : sortDir.toLowerCase(Locale.ROOT);
        if (!direction.equals("asc") && !direction.equals("desc")) {
            throw ManilaException.badRequest("Wrong sorting data provided: sort key is '" + sortKey
                    + "' and sort direction is '" + sortDir + "'.");
        }
        if (status != null && ShareStatus.fromWireName(status.toLowerCase(Locale.ROOT)).isEmpty()) {
            throw ManilaException.badRequest("Invalid status provided: '" + status + "'.");
        }
        int parsedLimit = (int) Math.min(MAX_LIMIT, parseNonNegative("limit", limit, MAX_LIMIT));
        long parsedOffset = parseNonNegative("offset", offset, 0);
        return new ShareQuery(name, status == null ? null : status.toLowerCase(Locale.ROOT), shareTypeId, column,
                direction, parsedLimit, parsedOffset, allProjects);
    }

    private static long parseNonNegative(String what, String value, long fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed < 0) {
                throw ManilaException.badRequest(what + " param must be positive");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw ManilaException.badRequest(what + " param must be an integer");
        }
    }
}
