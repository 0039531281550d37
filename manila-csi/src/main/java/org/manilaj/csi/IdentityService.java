package org.manilaj.csi;

import com.google.protobuf.BoolValue;
import io.grpc.stub.StreamObserver;
import org.manilaj.csi.api.ManilaApi;
import org.manilaj.csi.v1.GetPluginCapabilitiesRequest;
import org.manilaj.csi.v1.GetPluginCapabilitiesResponse;
import org.manilaj.csi.v1.GetPluginInfoRequest;
import org.manilaj.csi.v1.GetPluginInfoResponse;
import org.manilaj.csi.v1.IdentityGrpc;
import org.manilaj.csi.v1.PluginCapability;
import org.manilaj.csi.v1.ProbeRequest;
import org.manilaj.csi.v1.ProbeResponse;

/** Who the plugin is, what it offers, and whether it is ready (the REST API answers). */
public final class IdentityService extends IdentityGrpc.IdentityImplBase {
    private final String driverName;
    private final boolean controller;
    private final ManilaApi api;

    public IdentityService(String driverName, boolean controller, ManilaApi api) {
        this.driverName = driverName;
        this.controller = controller;
        this.api = api;
    }

    /** The jar's version (from its manifest), or the development version when run from classes. */
    public static String version() {
        String version = IdentityService.class.getPackage().getImplementationVersion();
        return version == null ? "0.1.0-SNAPSHOT" : version;
    }

    @Override
    public void getPluginInfo(GetPluginInfoRequest request, StreamObserver<GetPluginInfoResponse> observer) {
        Rpc.respond(observer, () -> GetPluginInfoResponse.newBuilder().setName(driverName).setVendorVersion(version())
                .putManifest("url", "https://github.com/manila-j/manila-j").build());
    }

    @Override
    public void getPluginCapabilities(GetPluginCapabilitiesRequest request,
                                      StreamObserver<GetPluginCapabilitiesResponse> observer) {
        Rpc.respond(observer, () -> {
            GetPluginCapabilitiesResponse.Builder response = GetPluginCapabilitiesResponse.newBuilder();
            if (controller) {
                response.addCapabilities(service(PluginCapability.Service.Type.CONTROLLER_SERVICE));
            }
            response.addCapabilities(service(PluginCapability.Service.Type.VOLUME_ACCESSIBILITY_CONSTRAINTS));
            response.addCapabilities(PluginCapability.newBuilder().setVolumeExpansion(PluginCapability.VolumeExpansion
                    .newBuilder().setType(PluginCapability.VolumeExpansion.Type.ONLINE)));
            return response.build();
        });
    }

    private static PluginCapability service(PluginCapability.Service.Type type) {
        return PluginCapability.newBuilder().setService(PluginCapability.Service.newBuilder().setType(type)).build();
    }

    /** Ready once the service answers; not ready (rather than an error) while it does not, as the plugin itself is fine. */
    @Override
    public void probe(ProbeRequest request, StreamObserver<ProbeResponse> observer) {
        Rpc.respond(observer, () -> ProbeResponse.newBuilder().setReady(BoolValue.of(api.answers())).build());
    }
}
