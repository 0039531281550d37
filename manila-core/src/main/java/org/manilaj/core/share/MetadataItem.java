package org.manilaj.core.share;

/** One key/value of a share's metadata. */
public record MetadataItem(String shareId, String metaKey, String metaValue) {
}
