package org.manilaj.csi;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.manilaj.api.ManilaApplication;
import org.manilaj.api.ManilaConfiguration;
import org.manilaj.core.auth.TokenService;

/**
 * The real service in this JVM on its embedded defaults (H2 file, a local-directory backend) in token
 * mode, as the plugin meets it in production: the plugin holds a member's token of one project.
 */
final class ServiceFixture {
    static final String PROJECT = "c51c0000c51c0000c51c0000c51c0000";

    final Path var;
    final DropwizardAppExtension<ManilaConfiguration> app;
    private final String dbUrl;
    private String memberToken;
    private String adminToken;

    /** On the embedded default's local-directory backend, with shares under a temporary directory. */
    ServiceFixture(String name, ConfigOverride... extra) {
        this(name, "csi-manila.yml", true, extra);
    }

    ServiceFixture(String name, String configResource, boolean localShares, ConfigOverride... extra) {
        try {
            var = Files.createTempDirectory("manila-csi-" + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        dbUrl = "jdbc:h2:file:" + var.resolve("db/manila");
        List<ConfigOverride> overrides = new ArrayList<>(List.of(
                ConfigOverride.config("database.url", dbUrl),
                ConfigOverride.config("auth.mode", "token")));
        if (localShares) {
            overrides.add(ConfigOverride.config("backends[0].storage_root", var.resolve("shares").toString()));
        }
        overrides.addAll(Arrays.asList(extra));
        app = new DropwizardAppExtension<>(ManilaApplication.class, ResourceHelpers.resourceFilePath(configResource),
                overrides.toArray(ConfigOverride[]::new));
    }

    /** Issues the tokens and creates the default share type (as an admin would). */
    void prepare() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL(dbUrl);
        dataSource.setUser("manila");
        TokenService tokens = new TokenService(Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin()), Clock.systemUTC());
        memberToken = tokens.create(PROJECT, "csi", List.of("member"), null).token();
        adminToken = tokens.create("admin0000", "operator", List.of("admin"), null).token();
        int status = adminPost("/v2/types", "{\"share_type\": {\"name\": \"default\", \"extra_specs\": "
                + "{\"driver_handles_share_servers\": false}}}");
        if (status != 200 && status != 409) {
            throw new IllegalStateException("cannot create the default share type: " + status);
        }
    }

    URI apiUrl() {
        return URI.create("http://127.0.0.1:" + app.getLocalPort());
    }

    String memberToken() {
        return memberToken;
    }

    String adminToken() {
        return adminToken;
    }

    Path shareDirectory(String shareId) {
        return var.resolve("shares").resolve(shareId);
    }

    /** The plugin's options against this service, in both modes, with the bind mounter. */
    PluginOptions pluginOptions(Path socket, Path stateDir, String... more) {
        List<String> args = new ArrayList<>(List.of("--endpoint=unix://" + socket, "--api-url=" + apiUrl(),
                "--project-id=" + PROJECT, "--token=" + memberToken, "--node-id=127.0.0.1", "--zone=nova",
                "--mounter=bind", "--bind-root=" + var.resolve("shares"), "--state-dir=" + stateDir, "--operation-timeout=30s"));
        args.addAll(Arrays.asList(more));
        return PluginOptions.parse(args.toArray(String[]::new));
    }

    int adminPost(String path, String body) {
        return adminSend("POST", path, body);
    }

    int adminSend(String method, String path, String body) {
        try {
            HttpRequest request = HttpRequest.newBuilder(apiUrl().resolve(path)).header("X-Auth-Token", adminToken)
                    .header("Content-Type", "application/json").header("X-OpenStack-Manila-API-Version", "2.65")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .timeout(Duration.ofSeconds(30)).build();
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
