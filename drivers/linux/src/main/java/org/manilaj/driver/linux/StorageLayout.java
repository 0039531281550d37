package org.manilaj.driver.linux;

/** How a share is laid out on the host's file system. All methods are idempotent. */
interface StorageLayout {

    /** Creates the share's directory (or subvolume); succeeds when it already exists. */
    void create(String directory, int sizeGib);

    /** Removes the share's directory and its data; succeeds when it is already gone. */
    void delete(String directory);

    /** Sets the size limit, if the layout has one. */
    void resize(String directory, int sizeGib);

    /** Bytes used by the share's data. */
    long usedBytes(String directory);
}
