package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The audit on two local backends: nothing to say when the books are straight; then each kind of disagreement planted
 * by hand (data of no share, a stray entry, a copy of a live share on the wrong backend, a share's data gone, a pool's
 * and a project's books off) is found with what to do, and {@code fix} removes only the data of no share.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class AuditTest {
    private static final Path VAR = TestPaths.tempDirectory("manila-audit");
    private static final Path FIRST = VAR.resolve("first");
    private static final Path SECOND = VAR.resolve("second");
    /** test-migration.yml's first backend keeps both its pools in one storage root. */
    private static final String FIRST_ROOT = "first [pool0, pool1]";
    private static final String DB_URL = "jdbc:h2:file:" + VAR.resolve("db/manila");
    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-migration.yml"),
            ConfigOverride.config("database.url", DB_URL),
            ConfigOverride.config("backends[0].storage_root", FIRST.toString()),
            ConfigOverride.config("backends[1].storage_root", SECOND.toString()));

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> findings(ManilaClient.Reply reply) {
        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
        return (List<Map<String, Object>>) reply.object("audit").get("findings");
    }

    private static Jdbi database() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL(DB_URL);
        dataSource.setUser("manila");
        return Jdbi.create(dataSource);
    }

    @Test
    void findsEveryKindOfDisagreementAndFixesOnlyProvenOrphans() throws Exception {
        ManilaClient client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
        String kept = client.createShare(2);
        String emptied = client.createShare(1);
        client.awaitStatus(kept, "available");
        client.awaitStatus(emptied, "available");
        Files.writeString(FIRST.resolve(kept).resolve("data.txt"), "tenant data");
        ManilaClient.Reply straight = client.get("/v2/admin/audit");
        assertThat(findings(straight)).as("straight books").isEmpty();
        assertThat(straight.object("audit").get("not_checked")).as("nothing under way, every backend listed").isEqualTo(List.of());

        String orphan = UUID.randomUUID().toString();
        Files.createDirectories(FIRST.resolve(orphan));
        Files.writeString(FIRST.resolve(orphan).resolve("left.bin"), "left by a crash");
        Files.createDirectories(FIRST.resolve("lost+found"));
        String link = UUID.randomUUID().toString();
        Files.createSymbolicLink(FIRST.resolve(link), FIRST.resolve(kept)); // named like a share, leading to a live one
        String file = UUID.randomUUID().toString();
        Files.writeString(FIRST.resolve(file), "an operator's notes");
        Files.createDirectories(SECOND.resolve(kept));
        Files.writeString(SECOND.resolve(kept).resolve("copy.txt"), "a copy");
        Files.delete(FIRST.resolve(emptied));
        database().useHandle(handle -> {
            handle.execute("UPDATE pools SET allocated_capacity_gb = allocated_capacity_gb + 5 WHERE name = 'manila@second#pool0'");
            handle.execute("UPDATE quota_usages SET in_use = in_use + 1 WHERE resource = 'shares'");
        });

        List<Map<String, Object>> found = findings(client.get("/v2/admin/audit"));
        assertThat(found).extracting(finding -> finding.get("kind") + " " + finding.get("where") + " " + finding.get("subject"))
                .containsExactlyInAnyOrder(
                        "orphan_share " + FIRST_ROOT + " " + orphan,
                        "unknown_entry " + FIRST_ROOT + " lost+found",
                        "unknown_entry " + FIRST_ROOT + " " + link,
                        "unknown_entry " + FIRST_ROOT + " " + file,
                        "orphan_share manila@second#pool0 " + kept,
                        "missing_share manila@first#pool0 " + emptied,
                        "pool_books manila@second#pool0 allocated_capacity_gb",
                        "quota_usage " + ManilaClient.PROJECT + " shares");
        assertThat(found).allSatisfy(finding -> assertThat((String) finding.get("action")).isNotBlank());

        assertThat(client.post("/v2/admin/audit", "{\"audit\": {\"fix\": \"yes\"}}").status()).isEqualTo(400);
        List<Map<String, Object>> fixed = findings(client.post("/v2/admin/audit", "{\"audit\": {\"fix\": true}}"));
        assertThat(fixed).filteredOn(finding -> Boolean.TRUE.equals(finding.get("fixed")))
                .extracting(finding -> finding.get("subject")).containsExactly(orphan);
        assertThat(FIRST.resolve(orphan)).doesNotExist();
        assertThat(SECOND.resolve(kept).resolve("copy.txt")).as("a copy of a share with a row is never removed").exists();
        assertThat(FIRST.resolve(kept).resolve("data.txt")).hasContent("tenant data");
        assertThat(FIRST.resolve("lost+found")).exists();
        assertThat(FIRST.resolve(link)).as("a link is never followed nor removed").isSymbolicLink();
        assertThat(FIRST.resolve(file)).exists();
        assertThat(findings(client.get("/v2/admin/audit"))).hasSize(7);
    }
}
