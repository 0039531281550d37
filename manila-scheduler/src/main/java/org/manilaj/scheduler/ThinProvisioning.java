package org.manilaj.scheduler;

import java.util.Locale;
import java.util.Map;

/** Manila's {@code use_thin_logic}: whether the thin-provisioning math applies to a share type. */
public final class ThinProvisioning {
    private ThinProvisioning() {
    }

    /**
     * Without a {@code thin_provisioning} (or {@code capabilities:thin_provisioning}) extra spec, thin
     * logic applies wherever the pool is thin. {@code <is> True} keeps it; any other value that is not
     * a boolean turns it off, as Manila's strict parsing does.
     */
    public static boolean useThinLogic(Map<String, String> extraSpecs) {
        String spec = extraSpecs.get("thin_provisioning");
        if (spec == null) {
            spec = extraSpecs.get("capabilities:thin_provisioning");
        }
        if (spec == null) {
            return true;
        }
        String value = spec.trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "1", "t", "true", "on", "y", "yes", "<is> true" -> true;
            default -> false;
        };
    }
}
