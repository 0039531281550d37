package org.manilaj.api.filters;

import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;

/**
 * Binds microversion negotiation and authentication to every resource method when the application
 * starts, from Jersey's resource model: whatever path spelling reaches a method, its filters run.
 * Only the resources marked {@link NoCaller} (the version and OpenAPI documents) go without.
 */
public final class CallerBinding implements DynamicFeature {
    private final MicroversionFilter microversions;
    private final AuthFilter auth;

    public CallerBinding(MicroversionFilter microversions, AuthFilter auth) {
        this.microversions = microversions;
        this.auth = auth;
    }

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        if (NoCaller.Rule.appliesTo(resource.getResourceClass(), resource.getResourceMethod())) {
            return;
        }
        context.register(microversions);
        context.register(auth);
    }
}
