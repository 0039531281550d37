package org.manilaj.csi.node;

import java.util.List;

/**
 * What NodePublishVolume put at a target path, so that a repeated call can be told apart from a conflicting
 * one, and NodeUnpublishVolume touches only what this plugin mounted and removes only a directory it made.
 * Saved before the directory and the mount are made ({@code mounted} false) and again once the mount
 * command succeeded, so a mount left by a failed or interrupted command is never taken for a good one.
 */
record PublishRecord(String volumeId, String targetPath, String exportLocation, boolean readOnly, List<String> flags,
                     boolean createdTarget, boolean mounted) {
    PublishRecord {
        flags = List.copyOf(flags);
    }

    PublishRecord withCreatedTarget(boolean created) {
        return new PublishRecord(volumeId, targetPath, exportLocation, readOnly, flags, created, mounted);
    }

    PublishRecord asMounted() {
        return new PublishRecord(volumeId, targetPath, exportLocation, readOnly, flags, createdTarget, true);
    }

    boolean sameRequest(PublishRecord other) {
        return volumeId.equals(other.volumeId) && readOnly == other.readOnly && flags.equals(other.flags)
                && exportLocation.equals(other.exportLocation);
    }
}
