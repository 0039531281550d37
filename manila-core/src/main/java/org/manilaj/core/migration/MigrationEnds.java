package org.manilaj.core.migration;

import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.share.Share;
import org.manilaj.driver.ShareExport;
import org.manilaj.driver.ShareRef;
import org.manilaj.driver.ShareSpec;

/** A migration with the share and the two pools it moves between, as one step of it sees them. */
record MigrationEnds(ShareMigration migration, Share share, BackendRegistry.PoolEntry source,
                     BackendRegistry.PoolEntry destination) {

    ShareRef sourceRef() {
        return new ShareRef(share.id(), source.pool(), share.sizeGb());
    }

    ShareRef destinationRef() {
        return new ShareRef(share.id(), destination.pool(), share.sizeGb());
    }

    /**
     * The share created empty on the destination (no access yet), or its export when it exists already; its
     * top directory gets {@code rootMode} (octal), or the layout's default when {@code null}.
     */
    ShareExport createDestination(String rootMode) {
        ShareRef ref = destinationRef();
        return destination.driver().create(new ShareSpec(ref.shareId(), ref.pool(), ref.sizeGib(), share.shareProto(),
                java.util.Map.of(), rootMode));
    }
}
