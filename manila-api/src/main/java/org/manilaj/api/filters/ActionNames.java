package org.manilaj.api.filters;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * Notes the action an action body names (its one top-level key, {@code {"reset_status": {...}}}) as the resource
 * reads it, for the audit log: the body itself is never kept.
 */
public final class ActionNames implements ReaderInterceptor {
    static final String ACTION = "manila.action";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        Object entity = context.proceed();
        if (entity instanceof JsonNode tree && tree.isObject() && tree.size() == 1) {
            String key = tree.fieldNames().next();
            context.setProperty(ACTION, NAME.matcher(key).matches() ? key : "?");
        }
        return entity;
    }
}
