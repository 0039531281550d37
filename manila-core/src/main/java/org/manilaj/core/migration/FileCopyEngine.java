package org.manilaj.core.migration;

import java.util.Map;
import java.util.function.LongConsumer;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.driver.DriverException;
import org.manilaj.driver.ShareExport;
import org.manilaj.driver.ShareFiles;
import org.manilaj.driver.ShareRef;
import org.manilaj.driver.ShareSpec;

/**
 * The file-level engine: the destination share is created empty, then {@link FileTreeCopier} passes make it
 * equal to the source. Works between any two backends that offer their files on this machine.
 */
final class FileCopyEngine implements CopyEngine {
    static final String NAME = "file_copy";
    private final FileTreeCopier copier = new FileTreeCopier();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void prepare(MigrationEnds ends) {
        createDestination(ends); // an earlier attempt's files stay: the passes reuse what still matches
    }

    @Override
    public CopyPass copy(MigrationEnds ends, int pass, boolean last, LongConsumer progress) {
        return copier.copy(files(ends.source(), ends.sourceRef()), files(ends.destination(), ends.destinationRef()), last,
                progress);
    }

    @Override
    public ShareExport finish(MigrationEnds ends, int lastPass) {
        return createDestination(ends); // exists: the driver returns its export
    }

    private static ShareExport createDestination(MigrationEnds ends) {
        ShareRef ref = ends.destinationRef();
        return ends.destination().driver().create(new ShareSpec(ref.shareId(), ref.pool(), ref.sizeGib(),
                ends.share().shareProto(), Map.of()));
    }

    private static ShareFiles files(BackendRegistry.PoolEntry pool, ShareRef ref) {
        return pool.driver().files(ref)
                .orElseThrow(() -> new DriverException("backend of " + pool.fullName() + " offers no file access"));
    }
}
