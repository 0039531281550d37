package org.manilaj.csi;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The plugin's command line. Credentials come from flags, from {@code --token-file}, or from a
 * {@code --credentials} properties file ({@code api-url}, {@code project-id}, {@code token}); flags win.
 */
public record PluginOptions(String endpoint, Mode mode, URI apiUrl, String projectId, String token, String nodeId,
                            String zone, String mounter, String nfsMountOptions, List<String> mountCommand,
                            List<String> umountCommand, Path bindRoot, Path stateDir, String driverName,
                            Duration operationTimeout) {

    /** Which CSI services this process serves. */
    public enum Mode {
        CONTROLLER, NODE, ALL;

        public boolean controller() {
            return this != NODE;
        }

        public boolean node() {
            return this != CONTROLLER;
        }
    }

    public static final String HELP = String.join("\n",
            "Usage: java -jar manila-csi.jar [--flag=value ...]",
            "A CSI v1 plugin for Manila-J NFS shares: controller, node or both, on a unix socket.",
            "",
            "  --endpoint=unix:///run/csi/csi.sock   where to serve gRPC (a stale socket file is removed)",
            "  --mode=all                            controller | node | all",
            "  --api-url=http://127.0.0.1:8786       the Manila-J REST API",
            "  --project-id=ID                       the project whose shares the plugin manages",
            "  --token=TOKEN | --token-file=FILE     X-Auth-Token (token-create's output; user:project in noauth mode)",
            "  --credentials=FILE                    properties file with api-url, project-id, token",
            "  --node-id=ADDRESS                     node mode: this node's IP address as NFS servers see it",
            "                                        (it becomes the access rule); default: the source address",
            "                                        of a connection towards the API",
            "  --zone=nova                           node mode: this node's availability zone (topology)",
            "  --mounter=nfs                         nfs (kernel client) | bind (local-directory backend on",
            "                                        this machine) | command (--mount-command/--umount-command)",
            "  --nfs-mount-options=vers=4.1          options for mount -t nfs (comma-separated)",
            "  --bind-root=DIR                       bind mounter: the backend's storage root; only",
            "                                        directories inside it are ever bind-mounted",
            "  --mount-command='CMD ARGS'            command mounter: argv template with {source} {server}",
            "                                        {path} {target} {options}; run without a shell",
            "  --umount-command='CMD ARGS'           command mounter: argv template with {target}",
            "  --state-dir=/var/lib/manila-csi       node mode: records of what is published where",
            "  --driver-name=nfs.csi.manila-j.org    the CSI driver name (GetPluginInfo)",
            "  --operation-timeout=120s              how long CreateVolume and others wait for the service",
            "  --help                                this text");

    public static PluginOptions parse(String... args) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + arg + " (flags are --name=value)");
            }
            int equals = arg.indexOf('=');
            if (equals > 0) {
                flags.put(arg.substring(2, equals), arg.substring(equals + 1));
            } else if (arg.equals("--help")) {
                flags.put("help", "true");
            } else if (i + 1 < args.length) {
                flags.put(arg.substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("flag " + arg + " needs a value");
            }
        }
        List<String> known = List.of("endpoint", "mode", "api-url", "project-id", "token", "token-file", "credentials",
                "node-id", "zone", "mounter", "nfs-mount-options", "mount-command", "umount-command", "bind-root", "state-dir",
                "driver-name", "operation-timeout", "help");
        flags.keySet().stream().filter(flag -> !known.contains(flag)).findFirst().ifPresent(flag -> {
            throw new IllegalArgumentException("unknown flag --" + flag + " (see --help)");
        });
        Properties credentials = flags.containsKey("credentials") ? load(Path.of(flags.get("credentials"))) : new Properties();
        String token = flags.get("token");
        if (token == null && flags.containsKey("token-file")) {
            token = read(Path.of(flags.get("token-file")));
        }
        if (token == null) {
            token = credentials.getProperty("token");
        }
        String projectId = flags.getOrDefault("project-id", credentials.getProperty("project-id"));
        String apiUrl = flags.getOrDefault("api-url", credentials.getProperty("api-url", "http://127.0.0.1:8786"));
        Mode mode = parseMode(flags.getOrDefault("mode", "all"));
        String mounter = flags.getOrDefault("mounter", "nfs");
        if (!List.of("nfs", "bind", "command").contains(mounter)) {
            throw new IllegalArgumentException("--mounter must be nfs, bind or command");
        }
        List<String> mountCommand = words(flags.get("mount-command"));
        List<String> umountCommand = words(flags.get("umount-command"));
        if (mode.node() && mounter.equals("command") && (mountCommand.isEmpty() || umountCommand.isEmpty())) {
            throw new IllegalArgumentException("--mounter=command needs --mount-command and --umount-command");
        }
        if (mode.node() && mounter.equals("bind") && !flags.containsKey("bind-root")) {
            throw new IllegalArgumentException("--mounter=bind needs --bind-root (the local backend's storage root)");
        }
        Path bindRoot = flags.containsKey("bind-root") ? Path.of(flags.get("bind-root")).toAbsolutePath().normalize() : null;
        String driverName = flags.getOrDefault("driver-name", "nfs.csi.manila-j.org");
        if (driverName.length() > 63 || !driverName.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
            throw new IllegalArgumentException("--driver-name must be a domain-style name of at most 63 characters");
        }
        if (projectId == null || projectId.isBlank() || token == null || token.isBlank()) {
            throw new IllegalArgumentException("the plugin needs --project-id and a token (--token, --token-file or --credentials)");
        }
        return new PluginOptions(flags.getOrDefault("endpoint", "unix:///run/csi/csi.sock"), mode, URI.create(apiUrl),
                projectId.trim(), token.trim(), flags.get("node-id"), flags.getOrDefault("zone", "nova"), mounter,
                flags.getOrDefault("nfs-mount-options", "vers=4.1"), mountCommand, umountCommand, bindRoot,
                Path.of(flags.getOrDefault("state-dir", "/var/lib/manila-csi")), driverName,
                parseDuration(flags.getOrDefault("operation-timeout", "120s")));
    }

    public static boolean wantsHelp(String... args) {
        return Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h");
    }

    /** The socket path of a {@code unix://} endpoint. */
    public Path socketPath() {
        if (!endpoint.startsWith("unix://")) {
            throw new IllegalArgumentException("--endpoint must be unix:///path/to/csi.sock");
        }
        return Path.of(URI.create(endpoint).getPath());
    }

    /** The topology key of a zone: {@code topology.<driver name>/zone}. */
    public String zoneKey() {
        return "topology." + driverName + "/zone";
    }

    private static Mode parseMode(String text) {
        try {
            return Mode.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--mode must be controller, node or all");
        }
    }

    private static Duration parseDuration(String text) {
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        if (!trimmed.matches("[0-9]+(ms|s|m)")) {
            throw new IllegalArgumentException("--operation-timeout must look like 120s, 2m or 500ms");
        }
        long amount = Long.parseLong(trimmed.replaceAll("[a-z]+$", ""));
        return trimmed.endsWith("ms") ? Duration.ofMillis(amount)
                : trimmed.endsWith("m") ? Duration.ofMinutes(amount) : Duration.ofSeconds(amount);
    }

    private static List<String> words(String template) {
        return template == null || template.isBlank() ? List.of() : List.of(template.trim().split("\\s+"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static Properties load(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        return properties;
    }
}
