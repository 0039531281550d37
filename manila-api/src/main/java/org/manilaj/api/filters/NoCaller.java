package org.manilaj.api.filters;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the only resources served without a caller and without microversion negotiation: Manila's
 * version documents. Every other resource method, whatever path spelling reached it, needs a token.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface NoCaller {
}
