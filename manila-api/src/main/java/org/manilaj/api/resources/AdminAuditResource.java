package org.manilaj.api.resources;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.manilaj.api.filters.RequestAttributes;
import org.manilaj.core.ManilaException;
import org.manilaj.core.audit.AuditReport;
import org.manilaj.core.audit.BooksAudit;
import org.manilaj.core.audit.Finding;

/**
 * Manila-J's admin extension (not Manila's API): {@code GET /v2/admin/audit} compares the database with every backend;
 * {@code POST} with {@code {"audit": {"fix": true}}} also removes the orphans it can prove are orphans.
 */
@Path("/v2/admin/audit")
@Produces(MediaType.APPLICATION_JSON)
public final class AdminAuditResource {
    private final BooksAudit audit;

    public AdminAuditResource(BooksAudit audit) {
        this.audit = audit;
    }

    @GET
    public Map<String, Object> report(@Context ContainerRequestContext request) {
        return view(audit.run(RequestAttributes.context(request), false));
    }

    @POST
    public Map<String, Object> audit(@Context ContainerRequestContext request, JsonNode body) {
        JsonNode fix = body == null || !body.path("audit").isObject() ? null : body.path("audit").get("fix");
        if (body == null || !body.path("audit").isObject() || (fix != null && !fix.isBoolean())) {
            throw ManilaException.badRequest("Malformed request body: expected {\"audit\": {\"fix\": true|false}}.");
        }
        return view(audit.run(RequestAttributes.context(request), fix != null && fix.asBoolean()));
    }

    private static Map<String, Object> view(AuditReport report) {
        List<Finding> findings = report.findings();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("findings", findings.stream().map(finding -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("kind", finding.kind());
            row.put("where", finding.where());
            row.put("subject", finding.subject());
            row.put("detail", finding.detail());
            row.put("action", finding.action());
            row.put("fixed", finding.fixed());
            return row;
        }).toList());
        view.put("fixed", findings.stream().filter(Finding::fixed).count());
        view.put("remaining", findings.stream().filter(finding -> !finding.fixed()).count());
        view.put("not_checked", report.notChecked());
        return Map.of("audit", view);
    }
}
