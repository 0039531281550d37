package org.manilaj.csi;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.assertj.core.api.ThrowableAssert;
import org.manilaj.csi.v1.CapacityRange;
import org.manilaj.csi.v1.VolumeCapability;
import org.manilaj.csi.v1.VolumeCapability.AccessMode.Mode;

/** Small builders and assertions for CSI requests in tests. */
final class Csi {
    static final long GIB = 1L << 30;

    private Csi() {
    }

    static VolumeCapability mount(Mode mode, String... flags) {
        return VolumeCapability.newBuilder()
                .setMount(VolumeCapability.MountVolume.newBuilder().addAllMountFlags(java.util.List.of(flags)))
                .setAccessMode(VolumeCapability.AccessMode.newBuilder().setMode(mode)).build();
    }

    static VolumeCapability rwx() {
        return mount(Mode.MULTI_NODE_MULTI_WRITER);
    }

    static VolumeCapability block() {
        return VolumeCapability.newBuilder().setBlock(VolumeCapability.BlockVolume.getDefaultInstance())
                .setAccessMode(VolumeCapability.AccessMode.newBuilder().setMode(Mode.SINGLE_NODE_WRITER)).build();
    }

    static CapacityRange bytes(long required, long limit) {
        return CapacityRange.newBuilder().setRequiredBytes(required).setLimitBytes(limit).build();
    }

    /** Asserts that the call fails with {@code code}, and returns its description for further checks. */
    static String fails(Status.Code code, ThrowableAssert.ThrowingCallable call) {
        StatusRuntimeException[] caught = new StatusRuntimeException[1];
        assertThatThrownBy(() -> {
            try {
                call.call();
            } catch (StatusRuntimeException e) {
                caught[0] = e;
                throw e;
            }
        }).isInstanceOf(StatusRuntimeException.class)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((StatusRuntimeException) e).getStatus().getCode())
                        .as(String.valueOf(((StatusRuntimeException) e).getStatus())).isEqualTo(code));
        String description = caught[0].getStatus().getDescription();
        return description == null ? "" : description;
    }
}
