package org.manilaj.core.types;

import java.time.Instant;

/** A share_types row, before its extra specs are attached. */
public record ShareTypeRow(String id, String name, String description, boolean isPublic, Instant createdAt) {
}
