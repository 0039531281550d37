package org.manilaj.csi;

/** Keys of the volume context that CreateVolume returns and NodePublishVolume reads back. */
public final class VolumeContext {
    /** The share's NFS export location, {@code server:/path}. */
    public static final String EXPORT_LOCATION = "exportLocation";

    private VolumeContext() {
    }
}
