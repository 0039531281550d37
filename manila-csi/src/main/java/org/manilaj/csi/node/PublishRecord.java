package org.manilaj.csi.node;

import java.util.List;

/** What NodePublishVolume put at a target path, so that a repeated call can be told apart from a conflicting one. */
record PublishRecord(String volumeId, String targetPath, String exportLocation, boolean readOnly, List<String> flags) {
    PublishRecord {
        flags = List.copyOf(flags);
    }

    boolean sameRequest(PublishRecord other) {
        return volumeId.equals(other.volumeId) && readOnly == other.readOnly && flags.equals(other.flags)
                && exportLocation.equals(other.exportLocation);
    }
}
