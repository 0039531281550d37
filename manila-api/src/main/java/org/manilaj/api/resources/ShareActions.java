package org.manilaj.api.resources;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.manilaj.api.dto.JsonValues;
import org.manilaj.api.filters.ApiVersion;
import org.manilaj.api.views.AccessRuleView;
import org.manilaj.core.ManilaException;
import org.manilaj.core.RequestContext;
import org.manilaj.core.access.AccessRule;
import org.manilaj.core.access.AccessService;
import org.manilaj.core.migration.MigrationProgress;
import org.manilaj.core.migration.MigrationRequest;
import org.manilaj.core.migration.MigrationService;
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
    private final MigrationService migrations;

    ShareActions(ShareService shares, ShareResizeService resize, AccessService access, MigrationService migrations) {
        this.shares = shares;
        this.resize = resize;
        this.access = access;
        this.migrations = migrations;
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
        if (prefixed == version.atLeast(2, 7) || action.equals("access_list") && version.atLeast(2, 45)
                || MIGRATION_ACTIONS.contains(action) && !version.atLeast(2, 22)) {
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
            case "migration_start" -> {
                migrations.start(context, shareId, migrationRequest(arguments, version));
                yield Response.accepted().build();
            }
            case "migration_complete" -> {
                migrations.complete(context, shareId);
                yield Response.accepted().build();
            }
            case "migration_cancel" -> {
                migrations.cancel(context, shareId);
                yield Response.accepted().build();
            }
            case "migration_get_progress" -> {
                MigrationProgress progress = migrations.progress(context, shareId);
                Map<String, Object> view = new LinkedHashMap<>();
                view.put("total_progress", progress.totalProgress());
                view.put("task_state", progress.taskState());
                if (version.atLeast(2, 59)) {
                    view.put("details", progress.details());
                }
                yield Response.ok(view).build();
            }
            case "reset_task_state" -> {
                migrations.resetTaskState(context, shareId, text(arguments, "task_state"));
                yield Response.accepted().build();
            }
            default -> Response.ok(Map.of("access_list", access.list(context, shareId).stream()
                    .map(rule -> AccessRuleView.render(rule, version, false)).toList())).build();
        };
    }

    private static final java.util.Set<String> MIGRATION_ACTIONS = java.util.Set.of("migration_start", "migration_complete",
            "migration_cancel", "migration_get_progress", "reset_task_state");

    private static boolean isKnown(String action) {
        return switch (action) {
            case "extend", "shrink", "allow_access", "deny_access", "access_list", "reset_status", "force_delete" -> true;
            default -> MIGRATION_ACTIONS.contains(action);
        };
    }

    /** From 2.29 the four guarantees are mandatory (Manila's rule); before, they default to false. */
    private static MigrationRequest migrationRequest(JsonNode arguments, ApiVersion version) {
        if (arguments == null || !arguments.isObject()) {
            throw ManilaException.badRequest("Malformed request body: migration_start needs an object.");
        }
        JsonNode network = arguments.get("new_share_network_id");
        if (network != null && !network.isNull()) {
            throw ManilaException.badRequest("new_share_network_id is not supported: shares have no share networks here.");
        }
        return new MigrationRequest(text(arguments, "host"), guarantee(arguments, "writable", version),
                guarantee(arguments, "preserve_metadata", version), guarantee(arguments, "nondisruptive", version),
                guarantee(arguments, "preserve_snapshots", version),
                Boolean.TRUE.equals(JsonValues.bool(arguments.get("force_host_assisted_migration"), "force_host_assisted_migration")),
                text(arguments, "new_share_type_id"));
    }

    private static boolean guarantee(JsonNode arguments, String name, ApiVersion version) {
        Boolean value = JsonValues.bool(arguments.get(name), name);
        if (value == null && version.atLeast(2, 29)) {
            throw ManilaException.badRequest("Must specify '" + name + "'.");
        }
        return Boolean.TRUE.equals(value);
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
