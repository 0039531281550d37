package org.manilaj.csi;

import java.util.List;
import java.util.Optional;
import org.manilaj.csi.v1.VolumeCapability;
import org.manilaj.csi.v1.VolumeCapability.AccessMode.Mode;

/** What an NFS share can serve: mounted file systems in every access mode, never raw blocks. */
public final class VolumeCapabilities {
    private VolumeCapabilities() {
    }

    /** Why the capability cannot be served, or empty when it can. */
    public static Optional<String> unsupported(VolumeCapability capability) {
        if (capability.hasBlock()) {
            return Optional.of("block access is not supported: NFS shares are file systems (use a mount capability)");
        }
        if (!capability.hasMount()) {
            return Optional.of("a volume capability needs an access type (mount)");
        }
        String fsType = capability.getMount().getFsType();
        if (!fsType.isEmpty() && !fsType.equals("nfs") && !fsType.equals("nfs4")) {
            return Optional.of("fs_type " + fsType + " is not supported: shares are NFS");
        }
        Mode mode = capability.getAccessMode().getMode();
        if (mode == Mode.UNKNOWN || mode == Mode.UNRECOGNIZED) {
            return Optional.of("a volume capability needs an access mode");
        }
        return Optional.empty();
    }

    /** Refuses, as INVALID_ARGUMENT, a missing or unsupported list of capabilities. */
    public static void require(List<VolumeCapability> capabilities) {
        if (capabilities.isEmpty()) {
            throw CsiErrors.invalid("volume capabilities are required");
        }
        capabilities.forEach(VolumeCapabilities::require);
    }

    public static void require(VolumeCapability capability) {
        unsupported(capability).ifPresent(reason -> {
            throw CsiErrors.invalid(reason);
        });
    }

    /** Modes in which no node writes. */
    public static boolean readOnly(VolumeCapability capability) {
        Mode mode = capability.getAccessMode().getMode();
        return mode == Mode.SINGLE_NODE_READER_ONLY || mode == Mode.MULTI_NODE_READER_ONLY;
    }

    /** Modes that allow the volume on one node only. */
    public static boolean singleNode(VolumeCapability capability) {
        Mode mode = capability.getAccessMode().getMode();
        return mode == Mode.SINGLE_NODE_WRITER || mode == Mode.SINGLE_NODE_READER_ONLY
                || mode == Mode.SINGLE_NODE_SINGLE_WRITER || mode == Mode.SINGLE_NODE_MULTI_WRITER;
    }
}
