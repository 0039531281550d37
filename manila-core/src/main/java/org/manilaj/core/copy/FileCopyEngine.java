package org.manilaj.core.copy;

import java.util.Map;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.driver.DriverException;
import org.manilaj.driver.ShareExport;
import org.manilaj.driver.ShareFiles;
import org.manilaj.driver.ShareRef;

/**
 * The file-level engine: the destination share is created empty, then {@link FileTreeCopier} passes make it
 * equal to the source. Works between any two backends that offer their files on this machine.
 */
public final class FileCopyEngine implements CopyEngine {
    public static final String NAME = "file_copy";
    private final FileTreeCopier copier = new FileTreeCopier();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void prepare(CopyEnds ends) {
        ends.createDestination(null); // an earlier attempt's files stay: the passes reuse what still matches
    }

    @Override
    public CopyPass copy(CopyEnds ends, int pass, boolean last, String cursor, PassControl control) {
        return copier.copy(files(ends.source(), ends.sourceRef()), files(ends.destination(), ends.destinationRef()), last,
                control);
    }

    @Override
    public ShareExport finish(CopyEnds ends, int lastPass, CopyPass last) {
        return ends.createDestination(null); // exists: the driver returns its export
    }


    private static ShareFiles files(BackendRegistry.PoolEntry pool, ShareRef ref) {
        return pool.driver().files(ref)
                .orElseThrow(() -> new DriverException("backend of " + pool.fullName() + " offers no file access"));
    }
}
