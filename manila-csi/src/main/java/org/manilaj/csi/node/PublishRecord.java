package org.manilaj.csi.node;

import java.util.List;

/**
 * What NodePublishVolume put at a target path, so that a repeated call can be told apart from a conflicting
 * one, and NodeUnpublishVolume touches only what this plugin mounted and removes only a directory it made.
 */
record PublishRecord(String volumeId, String targetPath, String exportLocation, boolean readOnly, List<String> flags,
                     boolean createdTarget) {
    PublishRecord {
        flags = List.copyOf(flags);
    }

    PublishRecord withCreatedTarget(boolean created) {
        return new PublishRecord(volumeId, targetPath, exportLocation, readOnly, flags, created);
    }

    boolean sameRequest(PublishRecord other) {
        return volumeId.equals(other.volumeId) && readOnly == other.readOnly && flags.equals(other.flags)
                && exportLocation.equals(other.exportLocation);
    }
}
