package org.manilaj.driver.linux;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * The Linux driver's options of one backend, bound strictly from the configuration.
 *
 * @param transport {@code local} (commands run on this machine) or {@code ssh}
 * @param storageRoot absolute directory holding one directory per share (relative: to the working
 *     directory, for the local transport only)
 * @param layout {@code plain}: a share is a plain directory, with no size limit; {@code btrfs}: a
 *     subvolume with a qgroup limit (the storage root must be on btrfs with quotas enabled)
 * @param export {@code none}: the export location is reported, no NFS server is configured;
 *     {@code ganesha}: NFS-Ganesha exports, changed at run time over D-Bus
 * @param exportAddress the address clients mount from, the first half of {@code address:/path}
 * @param exportRoot where btrfs shares are mounted to be exported ({@code <export_root>/<share_id>})
 * @param ganeshaExportsDir where the per-share Ganesha configuration files go
 * @param squash {@code root_squash} (default), {@code no_root_squash} or {@code all_squash}
 * @param minFreeMb (btrfs) creates and extends are refused while the storage root has fewer MiB free (default 512):
 *     btrfs would make the subvolume and raise the limit on a full disk, and only the tenant's writes would fail
 */
public record LinuxBackendSettings(
        @JsonProperty("transport") String transport,
        @JsonProperty("ssh") SshSettings ssh,
        @JsonProperty("storage_root") String storageRoot,
        @JsonProperty("layout") String layout,
        @JsonProperty("export") String export,
        @JsonProperty("export_address") String exportAddress,
        @JsonProperty("export_root") String exportRoot,
        @JsonProperty("ganesha_exports_dir") String ganeshaExportsDir,
        @JsonProperty("squash") String squash,
        @JsonProperty("min_free_mb") Long minFreeMb) {

    static final long DEFAULT_MIN_FREE_MB = 512;
    static final long MAX_MIN_FREE_MB = 1L << 30; // a PiB: its bytes still fit a long

    public LinuxBackendSettings {
        transport = Objects.requireNonNullElse(transport, "local").toLowerCase(Locale.ROOT);
        layout = Objects.requireNonNullElse(layout, "plain").toLowerCase(Locale.ROOT);
        export = Objects.requireNonNullElse(export, "none").toLowerCase(Locale.ROOT);
        if (transport.equals("local") && storageRoot != null && !storageRoot.startsWith("/")) {
            // The embedded default keeps its shares under ./var: relative to the working directory.
            storageRoot = Path.of(storageRoot).toAbsolutePath().normalize().toString();
        }
        StoragePaths.requireAbsolute(storageRoot, "storage_root");
        if (exportAddress == null || !exportAddress.matches("[A-Za-z0-9.:\\-\\[\\]]+")) {
            throw new IllegalArgumentException("export_address is required: a host name or IP address");
        }
        switch (transport) {
            case "local" -> {
                if (ssh != null) {
                    throw new IllegalArgumentException("ssh settings given but transport is local");
                }
            }
            case "ssh" -> Objects.requireNonNull(ssh, "transport ssh needs an ssh section");
            default -> throw new IllegalArgumentException("transport must be local or ssh, not " + transport);
        }
        if (!layout.equals("plain") && !layout.equals("btrfs")) {
            throw new IllegalArgumentException("layout must be plain or btrfs, not " + layout);
        }
        if (!export.equals("none") && !export.equals("ganesha")) {
            throw new IllegalArgumentException("export must be none or ganesha, not " + export);
        }
        if (ssh != null && ssh.sudo() && !layout.equals("btrfs")) {
            throw new IllegalArgumentException("ssh.sudo needs layout btrfs: the plain layout's mkdir and rm -rf cannot be"
                    + " fenced by sudoers");
        }
        if (layout.equals("btrfs")) {
            StoragePaths.requireAbsolute(exportRoot, "export_root (required by layout btrfs)");
        } else if (exportRoot != null) {
            StoragePaths.requireAbsolute(exportRoot, "export_root");
        }
        ganeshaExportsDir = Objects.requireNonNullElse(ganeshaExportsDir, "/etc/ganesha/exports.d");
        StoragePaths.requireAbsolute(ganeshaExportsDir, "ganesha_exports_dir");
        squash = Squash.fromConfig(squash).name().toLowerCase(Locale.ROOT);
        minFreeMb = Objects.requireNonNullElse(minFreeMb, DEFAULT_MIN_FREE_MB);
        if (minFreeMb < 0 || minFreeMb > MAX_MIN_FREE_MB) {
            throw new IllegalArgumentException("min_free_mb must be between 0 and " + MAX_MIN_FREE_MB);
        }
    }

    public Squash squashMode() {
        return Squash.fromConfig(squash);
    }
}
