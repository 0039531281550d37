package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.manilaj.driver.linux.InJvmSshServer;

/**
 * Every field a tenant or an admin writes that could reach a storage host (share names, descriptions, metadata,
 * access_to, sizes, type names and specs), tried with shell metacharacters, newlines and path traversal against the
 * service whose backend is reached over SSH (a real SSH server in the test JVM running each command with
 * {@code sh -c}, as OpenSSH does): every command the server received has no shell syntax outside quotes, none
 * carries a tenant's text, and the canary file those inputs try to create never appears. What it does not see: a
 * Ganesha export block (validated addresses only) goes to the host on a command's standard input, and the export
 * script checks its shape there (this machine's tests have no system D-Bus for Ganesha).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class InjectionTest {
    private static final Path VAR = TestPaths.tempDirectory("manila-injection");
    private static final Path CANARY = VAR.resolve("canary");
    private static final InJvmSshServer SSH = startSsh();
    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, config());

    private static InJvmSshServer startSsh() {
        try {
            Files.createDirectories(VAR.resolve("ssh"));
            return new InJvmSshServer(VAR.resolve("ssh"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** test-manila.yml with its one backend reached over SSH, in plain directories. */
    private static String config() {
        try {
            String base = Files.readString(Path.of(ResourceHelpers.resourceFilePath("test-manila.yml")));
            String backend = String.join("\n",
                    "backends:",
                    "  - name: remote",
                    "    driver: linux",
                    "    transport: ssh",
                    "    ssh: {host: 127.0.0.1, port: " + SSH.port() + ", user: " + SSH.user() + ", private_key_file: "
                            + SSH.clientKey() + ", known_hosts_file: " + SSH.knownHosts() + "}",
                    "    storage_root: " + VAR.resolve("shares"),
                    "    export: none", // Ganesha needs the system's D-Bus, which this machine's tests do not have
                    "    export_address: 127.0.0.1",
                    "    pools:",
                    "      - name: pool0",
                    "");
            String yaml = base.replaceAll("(?s)backends:.*?(?=logging:)", java.util.regex.Matcher.quoteReplacement(backend))
                    .replace("url: jdbc:h2:mem:overridden", "url: jdbc:h2:mem:injection-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
            Files.createDirectories(VAR.resolve("shares"));
            Files.createDirectories(VAR.resolve("exports"));
            return Files.writeString(VAR.resolve("manila.yml"), yaml).toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stopSsh() throws Exception {
        SSH.close();
    }

    /** Texts that would run {@code touch CANARY} if a shell ever read them as syntax. */
    private static List<String> hostile() {
        String touch = "touch " + CANARY;
        return List.of("$(" + touch + ")", "`" + touch + "`", "; " + touch, "| " + touch, "&& " + touch, "\n" + touch + "\n",
                "' ; " + touch + " ; '", "\" ; " + touch + " ; \"", "../../../../" + CANARY.getFileName(), "-rf /", "${IFS}"
                        + touch.replace(' ', '\t'), "x > " + CANARY, "a\\\n; " + touch);
    }

    private static String json(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void hostileTextNeverReachesAHostsShellAsSyntax() throws Exception {
        ManilaClient client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
        List<String> shares = new ArrayList<>();
        for (String text : hostile()) {
            ManilaClient.Reply created = client.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1,"
                    + " \"name\": " + json(text.length() > 255 ? text.substring(0, 255) : text) + ", \"description\": " + json(text)
                    + ", \"metadata\": {\"k\": " + json(text) + "}}}");
            if (created.status() == 200) {
                shares.add((String) created.object("share").get("id"));
            }
            client.post("/v2/types", "{\"share_type\": {\"name\": " + json(text) + ", \"extra_specs\":"
                    + " {\"driver_handles_share_servers\": false, \"x\": " + json(text) + "}}}");
        }
        assertThat(shares).as("shares with hostile names and metadata are made").isNotEmpty();
        String share = shares.get(0);
        client.awaitStatus(share, "available");
        for (String text : hostile()) {
            // access_to reaches a host's export configuration: only an address or a network gets that far
            for (String type : List.of("ip", "user", "cert", "cephx")) {
                assertThat(client.post("/v2/shares/" + share + "/action", "{\"allow_access\": {\"access_type\": "
                        + json(type) + ", \"access_to\": " + json(text) + ", \"access_level\": \"rw\"}}").status())
                        .as(type + " " + text).isEqualTo(400);
            }
            assertThat(client.post("/v2/shares/" + share + "/action", "{\"allow_access\": {\"access_type\": \"ip\","
                    + " \"access_to\": " + json("10.0.0.1" + text) + ", \"access_level\": " + json(text) + "}}").status())
                    .isEqualTo(400);
            client.put("/v2/shares/" + share + "/metadata", "{\"metadata\": {" + json(text) + ": " + json(text) + "}}");
            client.put("/v2/shares/" + share, "{\"share\": {\"display_name\": " + json(text) + "}}");
        }
        assertThat(client.post("/v2/shares/" + share + "/action", "{\"allow_access\": {\"access_type\": \"ip\","
                + " \"access_to\": \"10.0.0.9\", \"access_level\": \"rw\"}}").status()).isEqualTo(200);
        client.awaitAccessActive(share);
        assertThat(client.post("/v2/shares/" + share + "/action", "{\"extend\": {\"new_size\": 2}}").status()).isEqualTo(202);
        client.awaitSize(share, 2);
        for (String id : shares) {
            client.deleteWhenIdle("/v2/shares/" + id);
        }
        for (String id : shares) {
            client.awaitStatus(id, "gone");
        }

        List<String> received = SSH.received();
        assertThat(received).as("the service worked through the SSH server").hasSizeGreaterThan(shares.size());
        for (String command : received) {
            assertThat(unquotedShellSyntax(command)).as("shell syntax outside quotes in: " + command).isEmpty();
            for (String text : hostile()) {
                assertThat(command).as("a tenant's text in a command").doesNotContain(text.strip());
            }
        }
        assertThat(CANARY).doesNotExist();
    }

    @Test
    void theSyntaxCheckSeesWhatAShellWouldRun() {
        assertThat(unquotedShellSyntax("'sh' '-c' 'set -e; x=$(id)' 'it'\\''s'")).isEmpty();
        assertThat(unquotedShellSyntax("echo $(touch x); ls | wc")).isEqualTo("$();|");
        assertThat(unquotedShellSyntax("echo \"$HOME\" 'ok' a\\;b")).isEqualTo("$");
        assertThat(unquotedShellSyntax("echo 'open")).isEqualTo("'");
    }

    /**
     * The characters of {@code command} a POSIX shell reads as syntax (not inside single or double quotes, not escaped)
     * other than the spaces between words.
     */
    static String unquotedShellSyntax(String command) {
        StringBuilder syntax = new StringBuilder();
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (single) {
                single = c != '\'';
            } else if (dbl) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    dbl = false;
                } else if (c == '$' || c == '`') {
                    syntax.append(c); // expansions happen inside double quotes
                }
            } else if (c == '\'') {
                single = true;
            } else if (c == '"') {
                dbl = true;
            } else if (c == '\\') {
                i++;
            } else if ("$`;|&<>()\n*?[]{}~#!".indexOf(c) >= 0) {
                syntax.append(c);
            }
        }
        if (single || dbl) {
            syntax.append(single ? "'" : "\""); // a quote left open
        }
        return syntax.toString();
    }
}
