package org.manilaj.core.copy;

import java.util.Map;
import java.util.Optional;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.share.Share;
import org.manilaj.driver.DriverException;
import org.manilaj.driver.ShareFiles;
import org.manilaj.driver.ShareRef;
import org.manilaj.driver.ShareSnapshots;

/** The copy engines by name, and which one can copy a share between two pools. */
public final class CopyEngines {
    private CopyEngines() {
    }

    /** One instance of each engine (they keep no state between calls). */
    public static Map<String, CopyEngine> all() {
        return Map.of(FileCopyEngine.NAME, new FileCopyEngine(), SnapshotStreamEngine.NAME, new SnapshotStreamEngine(),
                TreeStreamEngine.NAME, new TreeStreamEngine());
    }

    /** Whether both pools snapshot in one format, so that the snapshot stream can copy between them. */
    public static boolean snapshotsMatch(BackendRegistry.PoolEntry source, BackendRegistry.PoolEntry destination) {
        Optional<ShareSnapshots> from = source.driver().snapshots();
        Optional<ShareSnapshots> to = destination.driver().snapshots();
        return from.isPresent() && to.isPresent() && from.get().format().equals(to.get().format());
    }

    /**
     * The file-level engine between the two pools, or empty when neither can copy: between trees on this
     * machine, the Commons VFS copy; when a storage host over SSH is one side, archive streams made and
     * extracted on the hosts themselves (Commons VFS over SFTP stats through links, so a tenant's link could
     * pull a file of the host into the copy).
     */
    public static Optional<String> fileLevel(Share share, BackendRegistry.PoolEntry source, BackendRegistry.PoolEntry destination) {
        if (localFiles(source, share) && localFiles(destination, share)) {
            return Optional.of(FileCopyEngine.NAME);
        }
        if (source.driver().trees().isEmpty() || destination.driver().trees().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(TreeStreamEngine.NAME);
    }

    private static boolean localFiles(BackendRegistry.PoolEntry pool, Share share) {
        try {
            return pool.driver().files(new ShareRef(share.id(), pool.pool(), share.sizeGb())).map(ShareFiles::isLocal)
                    .orElse(false);
        } catch (DriverException e) {
            return false;
        }
    }
}
