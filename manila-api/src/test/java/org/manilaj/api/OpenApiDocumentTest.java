package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenAPI document the service serves at {@code /openapi.json}: a valid OpenAPI 3 document (parsed by
 * swagger-parser), describing the API's paths and its token, and the same as {@code docs/openapi.json} in the
 * repository, so that the published document cannot drift from the resources.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class OpenApiDocumentTest {
    private static final Path COMMITTED = Path.of("..", "docs", "openapi.json");
    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-manila.yml"),
            ConfigOverride.config("database.url", "jdbc:h2:mem:openapi-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1"),
            ConfigOverride.config("backends[0].storage_root", TestPaths.tempDirectory("manila-openapi").toString()));

    private static HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + APP.getLocalPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servedWithoutATokenAsAValidOpenApi3Document() throws Exception {
        HttpResponse<String> response = get("/openapi.json");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");

        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(response.body(), null, null);
        assertThat(parsed.getMessages()).isEmpty();
        assertThat(parsed.getOpenAPI().getOpenapi()).startsWith("3.");
        assertThat(parsed.getOpenAPI().getPaths()).containsKeys("/v2/shares", "/v2/shares/detail", "/v2/shares/{shareId}",
                "/v2/shares/{shareId}/action", "/v2/share-replicas", "/v2/scheduler-stats/pools/detail",
                "/v2/admin/hooks", "/v2/admin/rebalance-plans", "/v2/messages");
        assertThat(parsed.getOpenAPI().getPaths().get("/v2/shares").getPost().getSecurity())
                .as("a share's create needs the token").isNotEmpty();
        assertThat(parsed.getOpenAPI().getPaths().get("/").getGet().getSecurity())
                .as("version discovery goes without").isNullOrEmpty();
        assertThat(parsed.getOpenAPI().getComponents().getSecuritySchemes().get("token").getName()).isEqualTo("X-Auth-Token");
    }

    /** What the document says needs a token is what the service refuses without one: every operation, tried without. */
    @Test
    void theDocumentsTokensAreTheServicesTokens() throws Exception {
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(get("/openapi.json").body(), null, null);
        HttpClient http = HttpClient.newHttpClient();
        int tried = 0;
        for (var path : parsed.getOpenAPI().getPaths().entrySet()) {
            for (var operation : path.getValue().readOperationsMap().entrySet()) {
                String concrete = path.getKey();
                for (var parameter : operation.getValue().getParameters() == null ? java.util.List.<io.swagger.v3.oas.models.parameters.Parameter>of()
                        : operation.getValue().getParameters()) {
                    // a template with alternatives ({services: services|os-services}) keeps them as the pattern
                    String pattern = parameter.getSchema() == null ? null : parameter.getSchema().getPattern();
                    concrete = concrete.replace("{" + parameter.getName() + "}",
                            pattern == null ? "00000000-0000-0000-0000-000000000000" : pattern.split("\\|")[0]);
                }
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + APP.getLocalPort() + concrete))
                        .method(operation.getKey().name(), java.util.List.of("POST", "PUT").contains(operation.getKey().name())
                                ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody())
                        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
                boolean documentedOpen = operation.getValue().getSecurity() == null || operation.getValue().getSecurity().isEmpty();
                assertThat(response.statusCode() == 401).as(operation.getKey() + " " + path.getKey() + " answered "
                        + response.statusCode() + " without a token").isEqualTo(!documentedOpen);
                tried++;
            }
        }
        assertThat(tried).isGreaterThan(50);
    }

    /** On a change of the API: {@code cp manila-api/target/openapi.json docs/openapi.json} after reviewing the diff. */
    @Test
    void theRepositoryHoldsTheDocumentTheServiceServes() throws Exception {
        String served = get("/openapi.json").body();
        Files.writeString(Path.of("target", "openapi.json"), served);
        ObjectMapper json = new ObjectMapper();
        JsonNode committed = json.readTree(Files.readString(COMMITTED));
        assertThat(json.readTree(served))
                .as("docs/openapi.json differs from what the service serves: review manila-api/target/openapi.json"
                        + " and copy it to docs/openapi.json")
                .isEqualTo(committed);
    }
}
