package org.manilaj.core.share;

import java.util.Map;
import org.manilaj.core.ManilaException;
import org.manilaj.driver.ShareSpec;

/**
 * The mode of a new share's top directory, asked for with the metadata key {@value #METADATA_KEY} (a
 * Manila-J extension: with root squashing, only the mode set at creation lets non-root users write).
 */
public final class RootMode {
    /** Keys the service itself reads; they cannot be removed once set. */
    static final String METADATA_KEY_PREFIX = "manila_j:";
    public static final String METADATA_KEY = METADATA_KEY_PREFIX + "root_mode";

    private RootMode() {
    }

    /** Refuses a metadata value that is not an octal mode, before anything is stored. */
    static void validate(Map<String, String> metadata) {
        String mode = metadata.get(METADATA_KEY);
        if (mode != null && !ShareSpec.ROOT_MODE.matcher(mode).matches()) {
            throw ManilaException.badRequest("Invalid metadata " + METADATA_KEY
                    + ": an octal mode of 3 or 4 digits without set-id bits, such as 0775 or 1777.");
        }
    }

    /** The validated mode in a share's metadata, or {@code null}. */
    static String of(Map<String, String> metadata) {
        String mode = metadata.get(METADATA_KEY);
        return mode != null && ShareSpec.ROOT_MODE.matcher(mode).matches() ? mode : null;
    }
}
