package org.manilaj.driver.linux;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.manilaj.driver.AccessGrant;
import org.manilaj.driver.BackendStats;
import org.manilaj.driver.DriverCapabilities;
import org.manilaj.driver.DriverException;
import org.manilaj.driver.PoolStats;
import org.manilaj.driver.ShareDriver;
import org.manilaj.driver.ShareExport;
import org.manilaj.driver.ShareRef;
import org.manilaj.driver.ShareSpec;
import org.manilaj.driver.ShrinkWouldLoseDataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NFS shares on a Linux host: one directory per share under its pool's storage root, published by an
 * {@link ExportHelper}. Every step is idempotent, so a retried operation converges.
 */
final class LinuxShareDriver implements ShareDriver {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxShareDriver.class);
    private static final double GIB = 1024.0 * 1024 * 1024;

    private final RemoteHost host;
    private final Map<String, String> poolRoots;
    private final StorageLayout layout;
    private final ExportHelper exports;
    private final Duration timeout;
    private final Map<String, String> capabilities;

    LinuxShareDriver(RemoteHost host, Map<String, String> poolRoots, StorageLayout layout, ExportHelper exports,
                     Duration timeout, Map<String, String> capabilities) {
        this.host = host;
        this.poolRoots = Map.copyOf(poolRoots);
        this.layout = layout;
        this.exports = exports;
        this.timeout = timeout;
        this.capabilities = Map.copyOf(capabilities);
    }

    @Override
    public BackendStats stats() {
        List<PoolStats> pools = new ArrayList<>();
        poolRoots.forEach((pool, root) -> {
            FileSystemUsage usage = FileSystemUsage.of(host, root, timeout);
            pools.add(new PoolStats(pool, usage.totalBytes() / GIB, usage.availableBytes() / GIB, capabilities));
        });
        return new BackendStats(pools);
    }

    @Override
    public ShareExport create(ShareSpec spec) {
        String directory = directory(spec.ref());
        layout.create(directory, spec.sizeGib());
        exports.export(spec.shareId(), directory, List.of());
        LOG.info("created share {} at {} on {}", spec.shareId(), directory, host.describe());
        return new ShareExport(List.of(exports.location(directory)));
    }

    @Override
    public void delete(ShareRef share) {
        String directory = directory(share);
        exports.unexport(share.shareId(), directory);
        layout.delete(directory);
        LOG.info("deleted share {} at {} on {}", share.shareId(), directory, host.describe());
    }

    @Override
    public void extend(ShareRef share, int newSizeGib) {
        layout.resize(directory(share), newSizeGib);
    }

    @Override
    public void shrink(ShareRef share, int newSizeGib) {
        String directory = directory(share);
        long used = layout.usedBytes(directory);
        if (used > newSizeGib * (long) GIB) {
            throw new ShrinkWouldLoseDataException("share " + share.shareId() + " holds " + used
                    + " bytes, more than " + newSizeGib + " GiB");
        }
        layout.resize(directory, newSizeGib);
    }

    @Override
    public void applyAccess(ShareRef share, List<AccessGrant> rules) {
        exports.export(share.shareId(), directory(share), rules);
    }

    @Override
    public DriverCapabilities capabilities() {
        return new DriverCapabilities(false, false);
    }

    private String directory(ShareRef share) {
        String root = poolRoots.get(share.pool());
        if (root == null) {
            throw new DriverException("pool " + share.pool() + " is not configured on this backend");
        }
        return StoragePaths.shareDirectory(root, share.shareId());
    }

    @Override
    public void close() {
        host.close();
    }
}
