package org.manilaj.csi.api;

/** {@code GET /v2/share-capacity}: the largest share the project could create now, in GiB. */
public record ShareCapacity(long availableGib) {
}
