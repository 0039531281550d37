package org.manilaj.api.dto;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import org.manilaj.core.ManilaException;

/** Manila's lenient scalars: integers and booleans may arrive as JSON strings. */
public final class JsonValues {
    private JsonValues() {
    }

    /** An integer, or {@code null} when absent; anything that is not an integer is a 400 naming the field. */
    public static Integer integer(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            return node.intValue();
        }
        if (node.isTextual() && node.textValue().trim().matches("-?\\d{1,9}")) {
            return Integer.parseInt(node.textValue().trim());
        }
        throw ManilaException.badRequest("Invalid input received: " + field + " must be an integer, not " + node + ".");
    }

    public static Boolean bool(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual()) {
            switch (node.textValue().trim().toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes", "on", "t", "y":
                    return true;
                case "false", "0", "no", "off", "f", "n":
                    return false;
                default:
                    break;
            }
        }
        throw ManilaException.badRequest("Invalid input received: " + field + " must be a boolean, not " + node + ".");
    }

    public static <T> T required(T body, String key) {
        if (body == null) {
            throw ManilaException.badRequest("Malformed request body: missing '" + key + "'.");
        }
        return body;
    }
}
