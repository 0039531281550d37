package org.manilaj.csi.controller;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.manilaj.csi.CsiErrors;

/**
 * A StorageClass's {@code parameters}: {@code type} (share type name or id), {@code availabilityZone},
 * {@code onDelete} ({@code delete}, {@code retain} or {@code archive}) and {@code rootMode} (octal). The
 * external-provisioner's own {@code csi.storage.k8s.io/...} keys are accepted; anything else is refused
 * by name, so that a typo does not silently give a different share.
 */
public record VolumeParameters(String shareType, String availabilityZone, OnDelete onDelete, String rootMode,
                               String pvcName, String pvcNamespace) {

    /** What DeleteVolume does with the share. */
    public enum OnDelete {
        DELETE, RETAIN, ARCHIVE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static OnDelete parse(String text) {
            return find(text).orElseThrow(() -> CsiErrors.invalid("parameter onDelete must be delete, retain or archive, not " + text));
        }

        static Optional<OnDelete> find(String text) {
            for (OnDelete value : values()) {
                if (value.wireName().equals(text)) {
                    return Optional.of(value);
                }
            }
            return Optional.empty();
        }
    }

    private static final String PROVISIONER_PREFIX = "csi.storage.k8s.io/";

    public static VolumeParameters parse(Map<String, String> parameters) {
        List<String> unknown = new ArrayList<>();
        parameters.keySet().forEach(key -> {
            if (!List.of("type", "availabilityZone", "onDelete", "rootMode").contains(key) && !key.startsWith(PROVISIONER_PREFIX)) {
                unknown.add(key);
            }
        });
        if (!unknown.isEmpty()) {
            throw CsiErrors.invalid("unknown parameters " + unknown + ": accepted are type, availabilityZone, onDelete, rootMode");
        }
        String type = text(parameters, "type");
        String zone = text(parameters, "availabilityZone");
        String rootMode = text(parameters, "rootMode");
        if (rootMode != null && !rootMode.matches("[01]?[0-7]{3}")) {
            throw CsiErrors.invalid("parameter rootMode must be an octal mode such as 0775 or 1777 (no set-id bits)");
        }
        OnDelete onDelete = parameters.containsKey("onDelete") ? OnDelete.parse(parameters.get("onDelete")) : OnDelete.DELETE;
        return new VolumeParameters(type, zone, onDelete, rootMode, parameters.get(PROVISIONER_PREFIX + "pvc/name"),
                parameters.get(PROVISIONER_PREFIX + "pvc/namespace"));
    }

    private static String text(Map<String, String> parameters, String key) {
        String value = parameters.get(key);
        if (value == null) {
            return null;
        }
        if (value.isBlank() || value.length() > 255) {
            throw CsiErrors.invalid("parameter " + key + " must have 1 to 255 characters");
        }
        return value;
    }
}
