package org.manilaj.api.filters;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;

/**
 * Marks the only resources served without a caller and without microversion negotiation: Manila's
 * version documents and the OpenAPI document, which describe the API and hold nothing of anyone's. Every
 * other resource method, whatever path spelling reached it, needs a token.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface NoCaller {
    /** The one rule, for the filters and the OpenAPI document. */
    final class Rule {
        private Rule() {
        }

        /** Whether {@code method} of {@code resource} is served without a caller. */
        public static boolean appliesTo(Class<?> resource, Method method) {
            return method.isAnnotationPresent(NoCaller.class) || resource.isAnnotationPresent(NoCaller.class);
        }
    }
}
