package org.manilaj.core.audit;

import java.util.List;

/**
 * What an audit found, and what it could not compare this time (a backend whose driver cannot list what it holds,
 * pools' and quotas' books while operations move them): an empty list of findings says nothing about those.
 */
public record AuditReport(List<Finding> findings, List<String> notChecked) {
    public AuditReport {
        findings = List.copyOf(findings);
        notChecked = List.copyOf(notChecked);
    }
}
