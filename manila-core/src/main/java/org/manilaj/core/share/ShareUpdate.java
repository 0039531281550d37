package org.manilaj.core.share;

/** Fields a caller may change on a share; {@code null} leaves a field as it is. */
public record ShareUpdate(String name, String description, Boolean isPublic) {
}
