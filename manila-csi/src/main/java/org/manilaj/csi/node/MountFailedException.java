package org.manilaj.csi.node;

/** A mount or unmount command failed; the message is for the log, the CO gets a short summary. */
final class MountFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MountFailedException(String message) {
        super(message);
    }
}
