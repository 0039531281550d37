package org.manilaj.csi.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The three mounters: {@code nfs} (the kernel client), {@code bind} (a local-directory backend's share
 * on this same machine) and {@code command} (an operator's argv template, e.g. a FUSE client).
 */
final class CommandMounters {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private CommandMounters() {
    }

    static Mounter nfs(String defaultOptions) {
        return new Mounter() {
            @Override
            public void mount(ExportLocation export, Path target, boolean readOnly, List<String> flags) {
                run(List.of("mount", "-t", "nfs", "-o", options(defaultOptions, flags, readOnly), "--", export.text(),
                        target.toString()));
            }

            @Override
            public void unmount(Path target) {
                run(List.of("umount", "--", target.toString()));
            }
        };
    }

    /**
     * The export's path is a directory on this machine (the embedded default's {@code export: none}); only
     * directories inside {@code root} are mounted, whatever a volume context says.
     */
    static Mounter bind(Path root) {
        return new Mounter() {
            @Override
            public void mount(ExportLocation export, Path target, boolean readOnly, List<String> flags) {
                Path source;
                try {
                    source = Path.of(export.path()).toRealPath();
                    if (!source.startsWith(root.toRealPath()) || source.equals(root.toRealPath())) {
                        throw new MountFailedException(export.path() + " is not a share directory inside the bind root " + root);
                    }
                } catch (java.io.IOException e) {
                    throw new MountFailedException("bind source " + export.path() + ": " + e.getMessage());
                }
                run(List.of("mount", "--bind", "--", source.toString(), target.toString()));
                if (readOnly) {
                    // a bind mount takes ro only on a remount
                    Commands.Result remount = Commands.run(List.of("mount", "-o", "remount,bind,ro", "--", target.toString()),
                            TIMEOUT);
                    if (!remount.succeeded()) {
                        Commands.run(List.of("umount", "--", target.toString()), TIMEOUT);
                        throw new MountFailedException("read-only remount of " + target + ": " + remount.output());
                    }
                }
            }

            @Override
            public void unmount(Path target) {
                run(List.of("umount", "--", target.toString()));
            }
        };
    }

    /** Placeholders {@code {source} {server} {path} {target} {options}}, substituted per argument. */
    static Mounter command(List<String> mountTemplate, List<String> umountTemplate, String defaultOptions) {
        return new Mounter() {
            @Override
            public void mount(ExportLocation export, Path target, boolean readOnly, List<String> flags) {
                run(fill(mountTemplate, Map.of("{source}", export.text(), "{server}", export.server(), "{path}", export.path(),
                        "{target}", target.toString(), "{options}", options(defaultOptions, flags, readOnly))));
            }

            @Override
            public void unmount(Path target) {
                run(fill(umountTemplate, Map.of("{target}", target.toString())));
            }
        };
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[a-z]+}");

    /** Each argument with its placeholders replaced in one pass (a value is never scanned for more of them). */
    static List<String> fill(List<String> template, Map<String, String> values) {
        List<String> argv = new ArrayList<>(template.size());
        for (String word : template) {
            argv.add(PLACEHOLDER.matcher(word).replaceAll(match ->
                    Matcher.quoteReplacement(values.getOrDefault(match.group(), match.group()))));
        }
        return argv;
    }

    static String options(String defaults, List<String> flags, boolean readOnly) {
        List<String> options = new ArrayList<>();
        for (String option : (defaults + "," + String.join(",", flags)).split(",")) {
            if (!option.isBlank() && !option.equals("ro") && !option.equals("rw")) {
                options.add(option.trim());
            }
        }
        options.add(readOnly ? "ro" : "rw");
        return String.join(",", options);
    }

    private static void run(List<String> argv) {
        Commands.Result result = Commands.run(argv, TIMEOUT);
        if (!result.succeeded()) {
            throw new MountFailedException(String.join(" ", argv) + " exited " + result.exitCode() + ": " + result.output());
        }
    }
}
