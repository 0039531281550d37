package org.manilaj.csi.node;

import java.nio.file.Path;
import java.util.List;

/** How a node attaches a share to a target directory. Implementations run commands, never a shell. */
interface Mounter {

    /**
     * Mounts {@code export} at {@code target} (an existing, empty directory).
     *
     * @param flags the volume capability's mount flags, already checked to be plain option words
     */
    void mount(ExportLocation export, Path target, boolean readOnly, List<String> flags);

    void unmount(Path target);
}
