package org.manilaj.driver.linux;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Driver options of one pool: an optional storage root of its own (default: the backend's).
 */
public record LinuxPoolSettings(@JsonProperty("storage_root") String storageRoot) {
    public LinuxPoolSettings {
        if (storageRoot != null) {
            StoragePaths.requireAbsolute(storageRoot, "pool storage_root");
        }
    }
}
