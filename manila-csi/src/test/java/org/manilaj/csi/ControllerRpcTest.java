package org.manilaj.csi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.manilaj.csi.Csi.GIB;
import static org.manilaj.csi.Csi.block;
import static org.manilaj.csi.Csi.bytes;
import static org.manilaj.csi.Csi.fails;
import static org.manilaj.csi.Csi.mount;
import static org.manilaj.csi.Csi.rwx;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.manilaj.api.ManilaConfiguration;
import org.manilaj.csi.api.ManilaApi;
import org.manilaj.csi.v1.ControllerExpandVolumeRequest;
import org.manilaj.csi.v1.ControllerGetCapabilitiesRequest;
import org.manilaj.csi.v1.ControllerGrpc;
import org.manilaj.csi.v1.ControllerPublishVolumeRequest;
import org.manilaj.csi.v1.ControllerServiceCapability;
import org.manilaj.csi.v1.ControllerUnpublishVolumeRequest;
import org.manilaj.csi.v1.CreateSnapshotRequest;
import org.manilaj.csi.v1.CreateVolumeRequest;
import org.manilaj.csi.v1.DeleteVolumeRequest;
import org.manilaj.csi.v1.GetCapacityRequest;
import org.manilaj.csi.v1.GetPluginCapabilitiesRequest;
import org.manilaj.csi.v1.GetPluginInfoRequest;
import org.manilaj.csi.v1.IdentityGrpc;
import org.manilaj.csi.v1.ListVolumesRequest;
import org.manilaj.csi.v1.ListVolumesResponse;
import org.manilaj.csi.v1.PluginCapability;
import org.manilaj.csi.v1.ProbeRequest;
import org.manilaj.csi.v1.Topology;
import org.manilaj.csi.v1.TopologyRequirement;
import org.manilaj.csi.v1.ValidateVolumeCapabilitiesRequest;
import org.manilaj.csi.v1.ValidateVolumeCapabilitiesResponse;
import org.manilaj.csi.v1.Volume;
import org.manilaj.csi.v1.VolumeCapability.AccessMode.Mode;

/** Identity and controller RPCs, in process, against the real service on its local backend. */
@ExtendWith(DropwizardExtensionsSupport.class)
class ControllerRpcTest {
    private static final ServiceFixture SERVICE = new ServiceFixture("controller",
            ConfigOverride.config("backends[0].pools[0].total_capacity_gb", "100"),
            ConfigOverride.config("backends[0].pools[0].max_over_subscription_ratio", "2.0"));
    private static final DropwizardAppExtension<ManilaConfiguration> APP = SERVICE.app;
    private static final String ZONE_KEY = "topology.nfs.csi.manila-j.org/zone";

    private static InProcessPlugin plugin;
    private static ControllerGrpc.ControllerBlockingStub controller;
    private static IdentityGrpc.IdentityBlockingStub identity;
    private static ManilaApi api;

    @BeforeAll
    static void startPlugin() throws Exception {
        SERVICE.prepare();
        PluginOptions options = SERVICE.pluginOptions(SERVICE.var.resolve("csi.sock"), SERVICE.var.resolve("state"),
                "--mode=controller");
        plugin = InProcessPlugin.start(options);
        controller = ControllerGrpc.newBlockingStub(plugin.channel);
        identity = IdentityGrpc.newBlockingStub(plugin.channel);
        api = new ManilaApi(SERVICE.apiUrl(), ServiceFixture.PROJECT, SERVICE.memberToken(), java.time.Duration.ofSeconds(10));
    }

    @AfterAll
    static void stopPlugin() {
        plugin.close();
    }

    private static CreateVolumeRequest.Builder create(String name) {
        return CreateVolumeRequest.newBuilder().setName(name).addVolumeCapabilities(rwx());
    }

    private static Volume createVolume(String name, long requiredBytes) {
        return controller.createVolume(create(name).setCapacityRange(bytes(requiredBytes, 0)).build()).getVolume();
    }

    @Test
    void identityNamesThePluginAndAdvertisesWhatItImplements() {
        var info = identity.getPluginInfo(GetPluginInfoRequest.getDefaultInstance());
        assertThat(info.getName()).isEqualTo("nfs.csi.manila-j.org").hasSizeLessThanOrEqualTo(63)
                .matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");
        assertThat(info.getVendorVersion()).isNotEmpty();
        List<PluginCapability> capabilities = identity.getPluginCapabilities(GetPluginCapabilitiesRequest.getDefaultInstance())
                .getCapabilitiesList();
        assertThat(capabilities).filteredOn(PluginCapability::hasService).extracting(c -> c.getService().getType())
                .containsExactlyInAnyOrder(PluginCapability.Service.Type.CONTROLLER_SERVICE,
                        PluginCapability.Service.Type.VOLUME_ACCESSIBILITY_CONSTRAINTS);
        assertThat(capabilities).filteredOn(PluginCapability::hasVolumeExpansion).singleElement()
                .satisfies(c -> assertThat(c.getVolumeExpansion().getType()).isEqualTo(PluginCapability.VolumeExpansion.Type.ONLINE));
        assertThat(identity.probe(ProbeRequest.getDefaultInstance()).getReady().getValue()).isTrue();
        assertThat(controller.controllerGetCapabilities(ControllerGetCapabilitiesRequest.getDefaultInstance())
                .getCapabilitiesList()).extracting(c -> c.getRpc().getType()).containsExactlyInAnyOrder(
                ControllerServiceCapability.RPC.Type.CREATE_DELETE_VOLUME, ControllerServiceCapability.RPC.Type.PUBLISH_UNPUBLISH_VOLUME,
                ControllerServiceCapability.RPC.Type.PUBLISH_READONLY, ControllerServiceCapability.RPC.Type.LIST_VOLUMES,
                ControllerServiceCapability.RPC.Type.GET_CAPACITY, ControllerServiceCapability.RPC.Type.EXPAND_VOLUME);
        fails(Status.Code.UNIMPLEMENTED, () -> controller.createSnapshot(CreateSnapshotRequest.newBuilder()
                .setName("s").setSourceVolumeId(UUID.randomUUID().toString()).build()));
    }

    @Test
    void probeIsNotReadyWhileTheApiDoesNotAnswer() {
        IdentityService unreachable = new IdentityService("nfs.csi.manila-j.org", true,
                new ManilaApi(java.net.URI.create("http://127.0.0.1:1"), "p", "t", java.time.Duration.ofSeconds(1)));
        List<org.manilaj.csi.v1.ProbeResponse> answers = new ArrayList<>();
        unreachable.probe(ProbeRequest.getDefaultInstance(), new Recorder<>(answers));
        assertThat(answers).singleElement().satisfies(answer -> assertThat(answer.getReady().getValue()).isFalse());
    }

    @Test
    void createRoundsUpToWholeGibAndIsIdempotentByName() {
        String name = "pvc-" + "x".repeat(200); // names of at least 128 bytes must be accepted
        Volume volume = controller.createVolume(create(name).setCapacityRange(bytes(GIB + GIB / 2, 0))
                .putParameters("csi.storage.k8s.io/pvc/name", "data").putParameters("csi.storage.k8s.io/pvc/namespace", "apps")
                .build()).getVolume();
        assertThat(volume.getCapacityBytes()).isEqualTo(2 * GIB);
        Path directory = SERVICE.shareDirectory(volume.getVolumeId());
        assertThat(directory).isDirectory();
        assertThat(volume.getVolumeContextMap()).containsEntry("exportLocation", "127.0.0.1:" + directory);
        assertThat(volume.getAccessibleTopologyList()).containsExactly(Topology.newBuilder().putSegments(ZONE_KEY, "nova").build());
        assertThat(api.share(volume.getVolumeId()).orElseThrow().metadata()).containsEntry("csi_pvc_name", "data")
                .containsEntry("csi_pvc_namespace", "apps").containsEntry("csi_on_delete", "delete");

        Volume again = controller.createVolume(create(name).setCapacityRange(bytes(GIB + GIB / 2, 0))
                .putParameters("csi.storage.k8s.io/pvc/name", "data").putParameters("csi.storage.k8s.io/pvc/namespace", "apps")
                .build()).getVolume();
        assertThat(again).isEqualTo(volume);
        String message = fails(Status.Code.ALREADY_EXISTS,
                () -> controller.createVolume(create(name).setCapacityRange(bytes(5 * GIB, 0)).build()));
        assertThat(message).contains(volume.getVolumeId());
        fails(Status.Code.ALREADY_EXISTS, () -> controller.createVolume(create(name).setCapacityRange(bytes(GIB, 0))
                .putParameters("onDelete", "retain").build()));
        assertThat(api.sharesNamed(name)).hasSize(1);
    }

    @Test
    void concurrentCreatesOfOneNameMakeOneShare() throws Exception {
        String name = "pvc-concurrent";
        List<java.util.concurrent.Future<Volume>> results = new ArrayList<>();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            for (int i = 0; i < 6; i++) {
                results.add(pool.submit(() -> createVolume(name, GIB)));
            }
            List<String> ids = new ArrayList<>();
            for (var result : results) {
                ids.add(result.get().getVolumeId());
            }
            assertThat(ids).containsOnly(ids.get(0));
        } finally {
            pool.shutdown();
        }
        assertThat(api.sharesNamed(name)).hasSize(1);
    }

    @Test
    void createRefusesWhatAShareCannotBe() {
        fails(Status.Code.INVALID_ARGUMENT, () -> controller.createVolume(CreateVolumeRequest.newBuilder().addVolumeCapabilities(rwx()).build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> controller.createVolume(CreateVolumeRequest.newBuilder().setName("no-caps").build()));
        assertThat(fails(Status.Code.INVALID_ARGUMENT, () -> controller.createVolume(CreateVolumeRequest.newBuilder()
                .setName("block").addVolumeCapabilities(block()).build()))).contains("block");
        fails(Status.Code.INVALID_ARGUMENT, () -> controller.createVolume(CreateVolumeRequest.newBuilder().setName("no-mode")
                .addVolumeCapabilities(mount(Mode.UNKNOWN)).build()));
        assertThat(fails(Status.Code.OUT_OF_RANGE, () -> controller.createVolume(create("small-limit")
                .setCapacityRange(bytes(GIB + 1, GIB + GIB / 2)).build()))).contains("whole GiB");
        fails(Status.Code.OUT_OF_RANGE, () -> controller.createVolume(create("inverted").setCapacityRange(bytes(3 * GIB, 2 * GIB)).build()));
        assertThat(fails(Status.Code.INVALID_ARGUMENT, () -> controller.createVolume(create("typo")
                .putParameters("availabilityzone", "nova").build()))).contains("availabilityzone");
        fails(Status.Code.INVALID_ARGUMENT, () -> controller.createVolume(create("bad-ondelete").putParameters("onDelete", "shred").build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> controller.createVolume(create("bad-mode").putParameters("rootMode", "4755").build()));
        fails(Status.Code.RESOURCE_EXHAUSTED, () -> controller.createVolume(create("zone-conflict").putParameters("availabilityZone", "nova")
                .setAccessibilityRequirements(TopologyRequirement.newBuilder().addRequisite(
                        Topology.newBuilder().putSegments(ZONE_KEY, "elsewhere"))).build()));
        fails(Status.Code.NOT_FOUND, () -> controller.createVolume(create("no-such-type").putParameters("type", "gold").build()));
        assertThat(api.sharesNamed("small-limit")).isEmpty();
    }

    @Test
    void exhaustionIsResourceExhaustedWithTheReasonAndLeavesNoShare() {
        // the pool holds 100 GiB x 2 overcommit: the scheduler refuses 300 GiB (quota would allow 1000)
        String reason = fails(Status.Code.RESOURCE_EXHAUSTED, () -> createVolume("too-big", 300 * GIB));
        assertThat(reason).contains("No storage could be allocated");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!api.sharesNamed("too-big").isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // the failed share's delete runs asynchronously
        }
        assertThat(api.sharesNamed("too-big")).isEmpty();
        // the project's gigabytes quota (1000) refuses 2000 GiB before any placement
        assertThat(fails(Status.Code.RESOURCE_EXHAUSTED, () -> createVolume("over-quota", 2000 * GIB))).containsIgnoringCase("quota");
    }

    @Test
    void topologyPicksThePreferredZoneAndTheShareReportsWhereItIs() {
        Volume volume = controller.createVolume(create("zoned").setAccessibilityRequirements(TopologyRequirement.newBuilder()
                .addRequisite(Topology.newBuilder().putSegments(ZONE_KEY, "nova"))
                .addPreferred(Topology.newBuilder().putSegments(ZONE_KEY, "nova"))).build()).getVolume();
        assertThat(api.share(volume.getVolumeId()).orElseThrow().availabilityZone()).isEqualTo("nova");
        assertThat(volume.getAccessibleTopology(0).getSegmentsMap()).containsEntry(ZONE_KEY, "nova");
    }

    @Test
    void rootModeSetsTheModeOfTheSharesTopDirectory() throws Exception {
        Volume volume = controller.createVolume(create("mode").putParameters("rootMode", "0750").build()).getVolume();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(SERVICE.shareDirectory(volume.getVolumeId()))))
                .isEqualTo("rwxr-x---");
    }

    @Test
    void deleteRemovesTheShareAndUnknownIdsSucceed() {
        Volume volume = createVolume("to-delete", GIB);
        controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId()).build());
        assertThat(api.share(volume.getVolumeId())).isEmpty();
        assertThat(SERVICE.shareDirectory(volume.getVolumeId())).doesNotExist();
        controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId()).build());
        controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId("not-a-share-id").build());
        fails(Status.Code.INVALID_ARGUMENT, () -> controller.deleteVolume(DeleteVolumeRequest.getDefaultInstance()));
    }

    @Test
    void onDeleteRetainKeepsTheShareAndArchiveRevokesAccessAndRenamesIt() {
        Volume retained = controller.createVolume(create("retained").putParameters("onDelete", "retain").build()).getVolume();
        controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(retained.getVolumeId()).build());
        assertThat(api.share(retained.getVolumeId())).hasValueSatisfying(share -> assertThat(share.status()).isEqualTo("available"));

        Volume archived = controller.createVolume(create("archived").putParameters("onDelete", "archive").build()).getVolume();
        controller.controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder().setVolumeId(archived.getVolumeId())
                .setNodeId("127.0.0.9").setVolumeCapability(rwx()).build());
        controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(archived.getVolumeId()).build());
        assertThat(api.share(archived.getVolumeId())).hasValueSatisfying(share ->
                assertThat(share.name()).isEqualTo("archived-archived"));
        assertThat(api.accessRules(archived.getVolumeId())).isEmpty();
        assertThat(SERVICE.shareDirectory(archived.getVolumeId())).isDirectory();
        // repeating the delete changes nothing more
        controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(archived.getVolumeId()).build());
        assertThat(api.share(archived.getVolumeId()).orElseThrow().name()).isEqualTo("archived-archived");
    }

    @Test
    void publishGrantsTheNodesAddressAndUnpublishRevokesIt() {
        Volume volume = createVolume("published", GIB);
        String id = volume.getVolumeId();
        var publish = ControllerPublishVolumeRequest.newBuilder().setVolumeId(id).setNodeId("127.0.0.7").setVolumeCapability(rwx());
        assertThat(controller.controllerPublishVolume(publish.build()).getPublishContextMap()).containsEntry("accessLevel", "rw");
        controller.controllerPublishVolume(publish.build());
        assertThat(api.accessRules(id)).singleElement().satisfies(rule -> {
            assertThat(rule.accessTo()).isEqualTo("127.0.0.7");
            assertThat(rule.accessLevel()).isEqualTo("rw");
            assertThat(rule.state()).isEqualTo("active");
        });
        fails(Status.Code.ALREADY_EXISTS, () -> controller.controllerPublishVolume(publish.setReadonly(true).build()));
        // a second node reads only
        controller.controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder().setVolumeId(id).setNodeId("127.0.0.8")
                .setVolumeCapability(mount(Mode.MULTI_NODE_READER_ONLY)).build());
        assertThat(api.accessRules(id)).extracting(rule -> rule.accessTo() + "=" + rule.accessLevel())
                .containsExactlyInAnyOrder("127.0.0.7=rw", "127.0.0.8=ro");
        // a single-node mode while another node holds the volume
        fails(Status.Code.FAILED_PRECONDITION, () -> controller.controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                .setVolumeId(id).setNodeId("127.0.0.9").setVolumeCapability(mount(Mode.SINGLE_NODE_WRITER)).build()));

        controller.controllerUnpublishVolume(ControllerUnpublishVolumeRequest.newBuilder().setVolumeId(id).setNodeId("127.0.0.7").build());
        assertThat(api.accessRules(id)).extracting(rule -> rule.accessTo()).containsExactly("127.0.0.8");
        controller.controllerUnpublishVolume(ControllerUnpublishVolumeRequest.newBuilder().setVolumeId(id).setNodeId("127.0.0.7").build());
        controller.controllerUnpublishVolume(ControllerUnpublishVolumeRequest.newBuilder().setVolumeId(id).build());
        assertThat(api.accessRules(id)).isEmpty();
        controller.controllerUnpublishVolume(ControllerUnpublishVolumeRequest.newBuilder()
                .setVolumeId(UUID.randomUUID().toString()).setNodeId("127.0.0.7").build());
    }

    @Test
    void publishChecksRequiredFieldsBeforeLookingAnythingUp() {
        String unknown = UUID.randomUUID().toString();
        fails(Status.Code.INVALID_ARGUMENT, () -> controller.controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                .setNodeId("127.0.0.7").setVolumeCapability(rwx()).build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> controller.controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                .setVolumeId(unknown).setVolumeCapability(rwx()).build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> controller.controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                .setVolumeId(unknown).setNodeId("127.0.0.7").build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> controller.controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                .setVolumeId(unknown).setNodeId("127.0.0.7").setVolumeCapability(block()).build()));
        fails(Status.Code.NOT_FOUND, () -> controller.controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                .setVolumeId(unknown).setNodeId("127.0.0.7").setVolumeCapability(rwx()).build()));
        fails(Status.Code.NOT_FOUND, () -> controller.controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                .setVolumeId("garbage").setNodeId("127.0.0.7").setVolumeCapability(rwx()).build()));
        String volume = createVolume("publish-node", GIB).getVolumeId();
        for (String node : List.of("some-node", "1.2.3", "10.0.0.256", "127.0.0.1; rm -rf /")) {
            fails(Status.Code.NOT_FOUND, () -> controller.controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                    .setVolumeId(volume).setNodeId(node).setVolumeCapability(rwx()).build()));
        }
        fails(Status.Code.INVALID_ARGUMENT, () -> controller.controllerUnpublishVolume(ControllerUnpublishVolumeRequest.getDefaultInstance()));
    }

    @Test
    void validateConfirmsOnlyWhatAShareServes() {
        String id = createVolume("validated", GIB).getVolumeId();
        ValidateVolumeCapabilitiesResponse ok = controller.validateVolumeCapabilities(ValidateVolumeCapabilitiesRequest.newBuilder()
                .setVolumeId(id).addVolumeCapabilities(rwx()).addVolumeCapabilities(mount(Mode.SINGLE_NODE_READER_ONLY)).build());
        assertThat(ok.hasConfirmed()).isTrue();
        assertThat(ok.getConfirmed().getVolumeCapabilitiesList()).hasSize(2);
        ValidateVolumeCapabilitiesResponse refused = controller.validateVolumeCapabilities(ValidateVolumeCapabilitiesRequest
                .newBuilder().setVolumeId(id).addVolumeCapabilities(rwx()).addVolumeCapabilities(block()).build());
        assertThat(refused.hasConfirmed()).isFalse();
        assertThat(refused.getMessage()).contains("block");
        fails(Status.Code.INVALID_ARGUMENT, () -> controller.validateVolumeCapabilities(ValidateVolumeCapabilitiesRequest.newBuilder()
                .addVolumeCapabilities(rwx()).build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> controller.validateVolumeCapabilities(ValidateVolumeCapabilitiesRequest.newBuilder()
                .setVolumeId(UUID.randomUUID().toString()).build()));
        fails(Status.Code.NOT_FOUND, () -> controller.validateVolumeCapabilities(ValidateVolumeCapabilitiesRequest.newBuilder()
                .setVolumeId(UUID.randomUUID().toString()).addVolumeCapabilities(rwx()).build()));
    }

    @Test
    void listPagesWithTokensAndAbortsOnAStaleOne() {
        for (int i = 0; i < 3; i++) {
            createVolume("listed-" + i, GIB);
        }
        List<String> all = new ArrayList<>();
        controller.listVolumes(ListVolumesRequest.getDefaultInstance()).getEntriesList()
                .forEach(entry -> all.add(entry.getVolume().getVolumeId()));
        assertThat(all).hasSizeGreaterThanOrEqualTo(3);

        List<String> paged = new ArrayList<>();
        String token = "";
        do {
            ListVolumesResponse page = controller.listVolumes(ListVolumesRequest.newBuilder().setMaxEntries(2).setStartingToken(token).build());
            assertThat(page.getEntriesCount()).isLessThanOrEqualTo(2);
            page.getEntriesList().forEach(entry -> paged.add(entry.getVolume().getVolumeId()));
            token = page.getNextToken();
        } while (!token.isEmpty());
        assertThat(paged).isEqualTo(all);

        ListVolumesResponse first = controller.listVolumes(ListVolumesRequest.newBuilder().setMaxEntries(1).build());
        assertThat(first.getNextToken()).isNotEmpty();
        fails(Status.Code.ABORTED, () -> controller.listVolumes(ListVolumesRequest.newBuilder().setStartingToken("nonsense").build()));
        fails(Status.Code.ABORTED, () -> controller.listVolumes(ListVolumesRequest.newBuilder().setStartingToken("1:" + UUID.randomUUID()).build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> controller.listVolumes(ListVolumesRequest.newBuilder().setMaxEntries(-1).build()));
    }

    @Test
    void capacityIsWhatACreateCouldStillGet() {
        long empty = controller.getCapacity(GetCapacityRequest.getDefaultInstance()).getAvailableCapacity();
        assertThat(empty).isPositive().isLessThanOrEqualTo(200 * GIB);
        assertThat(empty % GIB).isZero();
        var typed = controller.getCapacity(GetCapacityRequest.newBuilder().putParameters("type", "default")
                .addVolumeCapabilities(rwx()).setAccessibleTopology(Topology.newBuilder().putSegments(ZONE_KEY, "nova")).build());
        assertThat(typed.getAvailableCapacity()).isEqualTo(empty);
        assertThat(typed.getMaximumVolumeSize().getValue()).isEqualTo(empty);
        assertThat(typed.getMinimumVolumeSize().getValue()).isEqualTo(GIB);
        assertThat(controller.getCapacity(GetCapacityRequest.newBuilder()
                .setAccessibleTopology(Topology.newBuilder().putSegments(ZONE_KEY, "elsewhere")).build()).getAvailableCapacity()).isZero();
        assertThat(controller.getCapacity(GetCapacityRequest.newBuilder().addVolumeCapabilities(block()).build())
                .getAvailableCapacity()).isZero();
        fails(Status.Code.INVALID_ARGUMENT, () -> controller.getCapacity(GetCapacityRequest.newBuilder().putParameters("size", "1").build()));
        // what GetCapacity promised can be created; one GiB more cannot
        long gib = empty / GIB;
        Volume largest = createVolume("largest", gib * GIB);
        assertThat(largest.getCapacityBytes()).isEqualTo(gib * GIB);
        assertThat(controller.getCapacity(GetCapacityRequest.getDefaultInstance()).getAvailableCapacity()).isLessThan(empty);
        controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(largest.getVolumeId()).build());
    }

    @Test
    void expandGrowsTheShareAndNeverShrinksIt() {
        String id = createVolume("expanded", GIB).getVolumeId();
        var expanded = controller.controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder().setVolumeId(id)
                .setCapacityRange(bytes(3 * GIB, 0)).setVolumeCapability(rwx()).build());
        assertThat(expanded.getCapacityBytes()).isEqualTo(3 * GIB);
        assertThat(expanded.getNodeExpansionRequired()).isFalse();
        assertThat(api.share(id).orElseThrow().sizeGib()).isEqualTo(3);
        assertThat(controller.controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder().setVolumeId(id)
                .setCapacityRange(bytes(2 * GIB, 0)).build()).getCapacityBytes()).isEqualTo(3 * GIB);
        fails(Status.Code.INVALID_ARGUMENT, () -> controller.controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder()
                .setCapacityRange(bytes(GIB, 0)).build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> controller.controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder()
                .setVolumeId(id).build()));
        fails(Status.Code.NOT_FOUND, () -> controller.controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder()
                .setVolumeId(UUID.randomUUID().toString()).setCapacityRange(bytes(GIB, 0)).build()));
        fails(Status.Code.OUT_OF_RANGE, () -> controller.controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder()
                .setVolumeId(id).setCapacityRange(bytes(4 * GIB + 1, 4 * GIB + 2)).build()));
        String reason = fails(Status.Code.RESOURCE_EXHAUSTED, () -> controller.controllerExpandVolume(
                ControllerExpandVolumeRequest.newBuilder().setVolumeId(id).setCapacityRange(bytes(500 * GIB, 0)).build()));
        assertThat(reason).isNotEmpty();
    }

    @Test
    void twoPluginProcessesRacingOnOneNameSettleOnOneShare() throws Exception {
        // a second controller (as during a rolling update): its own locks, the same service
        PluginOptions options = SERVICE.pluginOptions(SERVICE.var.resolve("csi2.sock"), SERVICE.var.resolve("state2"),
                "--mode=controller");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try (InProcessPlugin second = InProcessPlugin.start(options)) {
            ControllerGrpc.ControllerBlockingStub other = ControllerGrpc.newBlockingStub(second.channel);
            for (int round = 0; round < 3; round++) {
                String volume = "pvc-two-controllers-" + round;
                List<java.util.concurrent.Future<String>> ids = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    ControllerGrpc.ControllerBlockingStub stub = i % 2 == 0 ? controller : other;
                    ids.add(pool.submit(() -> stub.createVolume(create(volume).setCapacityRange(bytes(GIB, 0)).build())
                            .getVolume().getVolumeId()));
                }
                List<String> answers = new ArrayList<>();
                for (var id : ids) {
                    answers.add(id.get());
                }
                assertThat(answers).containsOnly(answers.get(0));
                assertThat(controller.createVolume(create(volume).build()).getVolume().getVolumeId()).isEqualTo(answers.get(0));
                List<String> live = api.sharesNamed(volume).stream().filter(share -> !share.status().equals("deleting"))
                        .map(share -> share.id()).toList();
                assertThat(live).containsExactly(answers.get(0));
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void retainedAndArchivedVolumesAreForgottenAndTheirNamesCanBeUsedAgain() {
        Volume retained = controller.createVolume(create("forgotten-retained").putParameters("onDelete", "retain").build()).getVolume();
        controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(retained.getVolumeId()).build());
        Volume again = controller.createVolume(create("forgotten-retained").putParameters("onDelete", "retain").build()).getVolume();
        assertThat(again.getVolumeId()).isNotEqualTo(retained.getVolumeId());
        assertThat(api.share(retained.getVolumeId())).isPresent();

        String longName = "a".repeat(255);
        Volume archived = controller.createVolume(create(longName).putParameters("onDelete", "archive").build()).getVolume();
        controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(archived.getVolumeId()).build());
        assertThat(api.share(archived.getVolumeId()).orElseThrow().name()).hasSize(255).startsWith("archived-aaa");
        // forgotten: no longer publishable, listed or valid, and a repeated delete leaves it alone
        fails(Status.Code.NOT_FOUND, () -> controller.controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                .setVolumeId(archived.getVolumeId()).setNodeId("10.9.9.9").setVolumeCapability(rwx()).build()));
        assertThat(api.accessRules(archived.getVolumeId())).isEmpty();
        fails(Status.Code.NOT_FOUND, () -> controller.validateVolumeCapabilities(ValidateVolumeCapabilitiesRequest.newBuilder()
                .setVolumeId(archived.getVolumeId()).addVolumeCapabilities(rwx()).build()));
        assertThat(controller.listVolumes(ListVolumesRequest.getDefaultInstance()).getEntriesList())
                .extracting(entry -> entry.getVolume().getVolumeId())
                .doesNotContain(archived.getVolumeId(), retained.getVolumeId()).contains(again.getVolumeId());
        controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(archived.getVolumeId()).build());
        assertThat(api.share(archived.getVolumeId())).isPresent();
    }

    @Test
    void sharesTheProjectMadeWithoutThePluginAreNotVolumes() {
        var share = api.create(new org.manilaj.csi.api.NewShare("made-by-hand", 1, null, null, java.util.Map.of()));
        controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(share.id()).build());
        assertThat(api.share(share.id())).isPresent();
        fails(Status.Code.NOT_FOUND, () -> controller.controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                .setVolumeId(share.id()).setNodeId("127.0.0.7").setVolumeCapability(rwx()).build()));
        assertThat(controller.listVolumes(ListVolumesRequest.getDefaultInstance()).getEntriesList())
                .extracting(entry -> entry.getVolume().getVolumeId()).doesNotContain(share.id());
    }

    @Test
    void aVolumeThatDoesNotSayWhatToDoOnDeleteIsLeftAlone() {
        var share = api.create(new org.manilaj.csi.api.NewShare("no-ondelete", 1, null, null,
                java.util.Map.of("csi_volume_name", "no-ondelete")));
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!api.share(share.id()).orElseThrow().status().equals("available") && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        fails(Status.Code.FAILED_PRECONDITION, () -> controller.deleteVolume(DeleteVolumeRequest.newBuilder()
                .setVolumeId(share.id()).build()));
        assertThat(api.share(share.id())).isPresent();
    }

    @Test
    void aPageThatEndsExactlyAtTheLastVolumeHasNoNextToken() {
        createVolume("exact-page", GIB);
        int total = controller.listVolumes(ListVolumesRequest.getDefaultInstance()).getEntriesCount();
        assertThat(controller.listVolumes(ListVolumesRequest.newBuilder().setMaxEntries(total).build()).getNextToken()).isEmpty();
        ListVolumesResponse short1 = controller.listVolumes(ListVolumesRequest.newBuilder().setMaxEntries(total - 1).build());
        assertThat(short1.getNextToken()).isNotEmpty();
        assertThat(controller.listVolumes(ListVolumesRequest.newBuilder().setStartingToken(short1.getNextToken()).build())
                .getEntriesCount()).isEqualTo(1);
    }

    @Test
    void addressesThatNameNoSingleNodeAreUnknownNodes() {
        String volume = createVolume("odd-nodes", GIB).getVolumeId();
        for (String node : List.of("0.0.0.0", "::", "224.0.0.1", "ff02::1", "255.255.255.255", "::ffff:255.255.255.255")) {
            fails(Status.Code.NOT_FOUND, () -> controller.controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                    .setVolumeId(volume).setNodeId(node).setVolumeCapability(rwx()).build()));
        }
        controller.controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder().setVolumeId(volume)
                .setNodeId("fd00:0:0:0:0:0:0:1").setVolumeCapability(rwx()).build());
        assertThat(api.accessRules(volume)).extracting(rule -> rule.accessTo()).containsExactly("fd00:0:0:0:0:0:0:1");
        controller.controllerUnpublishVolume(ControllerUnpublishVolumeRequest.newBuilder().setVolumeId(volume)
                .setNodeId("fd00::1").build());
        assertThat(api.accessRules(volume)).isEmpty();
    }

    @Test
    void validateRefusesParametersTheVolumeWasNotMadeWith() {
        String id = controller.createVolume(create("validated-params").putParameters("rootMode", "0770").build()).getVolume().getVolumeId();
        assertThat(controller.validateVolumeCapabilities(ValidateVolumeCapabilitiesRequest.newBuilder().setVolumeId(id)
                .addVolumeCapabilities(rwx()).putParameters("rootMode", "0770").build()).hasConfirmed()).isTrue();
        for (var parameter : List.of(java.util.Map.entry("rootMode", "0700"), java.util.Map.entry("type", "secret"),
                java.util.Map.entry("onDelete", "archive"))) {
            assertThat(controller.validateVolumeCapabilities(ValidateVolumeCapabilitiesRequest.newBuilder().setVolumeId(id)
                    .addVolumeCapabilities(rwx()).putParameters("rootMode", "0770")
                    .putParameters(parameter.getKey(), parameter.getValue()).build()).hasConfirmed()).as(parameter.toString()).isFalse();
        }
    }

    @Test
    void expandWithALimitBelowTheCurrentSizeIsOutOfRange() {
        String id = createVolume("expand-limit", 3 * GIB).getVolumeId();
        fails(Status.Code.OUT_OF_RANGE, () -> controller.controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder()
                .setVolumeId(id).setCapacityRange(bytes(GIB, GIB)).build()));
    }

    @Test
    void probeIsNotReadyWithARevokedOrUnknownToken() {
        IdentityService wrongToken = new IdentityService("nfs.csi.manila-j.org", true,
                new ManilaApi(SERVICE.apiUrl(), ServiceFixture.PROJECT, "not-a-token", java.time.Duration.ofSeconds(5)));
        List<org.manilaj.csi.v1.ProbeResponse> answers = new ArrayList<>();
        wrongToken.probe(ProbeRequest.getDefaultInstance(), new Recorder<>(answers));
        assertThat(answers).singleElement().satisfies(answer -> assertThat(answer.getReady().getValue()).isFalse());
    }

    /** Collects a unary answer in tests that call a service directly. */
    private record Recorder<T>(List<T> answers) implements io.grpc.stub.StreamObserver<T> {
        @Override
        public void onNext(T value) {
            answers.add(value);
        }

        @Override
        public void onError(Throwable t) {
            throw new AssertionError(t);
        }

        @Override
        public void onCompleted() {
        }
    }
}
