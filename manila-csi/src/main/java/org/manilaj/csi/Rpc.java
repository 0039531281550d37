package org.manilaj.csi;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;
import org.manilaj.csi.api.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one unary RPC: its answer, or its error as a CSI status (never a stack trace to the CO). */
public final class Rpc {
    private static final Logger LOG = LoggerFactory.getLogger(Rpc.class);

    private Rpc() {
    }

    public static <T> void respond(StreamObserver<T> observer, Supplier<T> call) {
        T response;
        try {
            response = call.get();
        } catch (StatusRuntimeException e) {
            observer.onError(e);
            return;
        } catch (ApiException e) {
            observer.onError(CsiErrors.fromApi(e));
            return;
        } catch (RuntimeException e) {
            LOG.error("unexpected failure", e);
            observer.onError(CsiErrors.internal("internal error in the plugin (its log has the details)"));
            return;
        }
        observer.onNext(response);
        observer.onCompleted();
    }
}
