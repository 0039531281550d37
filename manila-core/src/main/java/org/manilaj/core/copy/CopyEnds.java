package org.manilaj.core.copy;

import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.share.Share;
import org.manilaj.driver.ShareExport;
import org.manilaj.driver.ShareRef;
import org.manilaj.driver.ShareSpec;

/**
 * A copy of a share between two pools, as one step of it sees them: a migration's, or a replica's sync.
 * {@code chain} names what the copy's snapshots are for ({@code migration}, {@code replica} and letters of a replica's id), so that
 * copies of one share never take each other's snapshots.
 */
public record CopyEnds(String chain, Share share, BackendRegistry.PoolEntry source, BackendRegistry.PoolEntry destination) {

    public CopyEnds {
        if (!chain.matches("[a-z]{1,40}")) { // a snapshot's purpose, as the host scripts check it
            throw new IllegalArgumentException("copy chain " + chain + ": 1 to 40 lower-case letters");
        }
    }

    public ShareRef sourceRef() {
        return new ShareRef(share.id(), source.pool(), share.sizeGb());
    }

    public ShareRef destinationRef() {
        return new ShareRef(share.id(), destination.pool(), share.sizeGb());
    }

    /**
     * The share created empty on the destination (no access yet), or its export when it exists already; its
     * top directory gets {@code rootMode} (octal), or the layout's default when {@code null}.
     */
    public ShareExport createDestination(String rootMode) {
        ShareRef ref = destinationRef();
        return destination.driver().create(new ShareSpec(ref.shareId(), ref.pool(), ref.sizeGib(), share.shareProto(),
                java.util.Map.of(), rootMode));
    }
}
