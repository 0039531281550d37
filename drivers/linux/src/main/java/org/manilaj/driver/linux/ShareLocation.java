package org.manilaj.driver.linux;

/**
 * Where a share lives on its host: its pool's storage root and its own directory
 * {@code <root>/<shareId>} (the share id is a validated UUID).
 */
record ShareLocation(String root, String shareId, String directory) {

    static ShareLocation of(String root, String shareId) {
        return new ShareLocation(root, shareId, StoragePaths.shareDirectory(root, shareId));
    }
}
