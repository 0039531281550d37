package org.manilaj.csi.controller;

/** The share metadata keys by which the plugin remembers what a CreateVolume asked for. */
final class VolumeMetadata {
    static final String VOLUME_NAME = "csi_volume_name";
    static final String ON_DELETE = "csi_on_delete";
    static final String PVC_NAME = "csi_pvc_name";
    static final String PVC_NAMESPACE = "csi_pvc_namespace";
    /** Read by the service itself: the mode of the share's top directory at creation. */
    static final String ROOT_MODE = "manila_j:root_mode";

    private VolumeMetadata() {
    }
}
