package org.manilaj.api.resources;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.manilaj.api.dto.JsonValues;
import org.manilaj.api.filters.ApiVersion;
import org.manilaj.api.views.AccessRuleView;
import org.manilaj.core.ManilaException;
import org.manilaj.core.RequestContext;
import org.manilaj.core.access.AccessRule;
import org.manilaj.core.access.AccessService;
import org.manilaj.core.share.ShareResizeService;
import org.manilaj.core.share.ShareService;

/**
 * {@code POST /v2/shares/{id}/action}: the body's single key names the action ({@code reset_status} and
 * {@code force_delete} are for admins). Before 2.7 the names
 * carry Manila's {@code os-} prefix; the legacy {@code access_list} is gone from 2.45.
 */
final class ShareActions {
    private final ShareService shares;
    private final ShareResizeService resize;
    private final AccessService access;

    ShareActions(ShareService shares, ShareResizeService resize, AccessService access) {
        this.shares = shares;
        this.resize = resize;
        this.access = access;
    }

    Response run(RequestContext context, ApiVersion version, String shareId, JsonNode body) {
        if (body == null || !body.isObject() || body.size() != 1) {
            throw ManilaException.badRequest("Malformed request body: an action body has exactly one key.");
        }
        String key = body.fieldNames().next();
        JsonNode arguments = body.get(key);
        boolean prefixed = key.startsWith("os-");
        String action = prefixed ? key.substring(3) : key;
        if (!isKnown(action)) {
            throw ManilaException.badRequest("There is no such action: " + key);
        }
        if (prefixed == version.atLeast(2, 7) || action.equals("access_list") && version.atLeast(2, 45)) {
            throw ManilaException.notFound("The resource could not be found.");
        }
        return switch (action) {
            case "extend" -> {
                resize.extend(context, shareId, JsonValues.integer(field(arguments, "new_size"), "new_size"));
                yield Response.accepted().build();
            }
            case "shrink" -> {
                resize.shrink(context, shareId, JsonValues.integer(field(arguments, "new_size"), "new_size"));
                yield Response.accepted().build();
            }
            case "allow_access" -> {
                AccessRule rule = access.allow(context, shareId, text(arguments, "access_type"), text(arguments, "access_to"),
                        text(arguments, "access_level"));
                yield Response.ok(Map.of("access", AccessRuleView.render(rule, version, true))).build();
            }
            case "deny_access" -> {
                access.deny(context, shareId, text(arguments, "access_id"));
                yield Response.accepted().build();
            }
            case "reset_status" -> {
                shares.resetStatus(context, shareId, text(arguments, "status"));
                yield Response.accepted().build();
            }
            case "force_delete" -> {
                shares.forceDelete(context, shareId);
                yield Response.accepted().build();
            }
            default -> Response.ok(Map.of("access_list", access.list(context, shareId).stream()
                    .map(rule -> AccessRuleView.render(rule, version, false)).toList())).build();
        };
    }

    private static boolean isKnown(String action) {
        return switch (action) {
            case "extend", "shrink", "allow_access", "deny_access", "access_list", "reset_status", "force_delete" -> true;
            default -> false;
        };
    }

    private static JsonNode field(JsonNode arguments, String name) {
        if (arguments == null || !arguments.isObject()) {
            throw ManilaException.badRequest("Malformed request body: the action needs an object with '" + name + "'.");
        }
        return arguments.get(name);
    }

    private static String text(JsonNode arguments, String name) {
        JsonNode value = field(arguments, name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ManilaException.badRequest("Invalid input received: " + name + " must be a string.");
        }
        return value.textValue();
    }
}
