package org.manilaj.csi;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs every call with its outcome and duration (never its request: secrets and mount flags travel there). */
public final class CallLogger implements ServerInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger("org.manilaj.csi.calls");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        long started = System.nanoTime();
        String method = call.getMethodDescriptor().getBareMethodName();
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                long millis = (System.nanoTime() - started) / 1_000_000;
                if (status.isOk()) {
                    LOG.info("{} OK in {} ms", method, millis);
                } else {
                    LOG.info("{} {} in {} ms: {}", method, status.getCode(), millis, status.getDescription());
                }
                super.close(status, trailers);
            }
        }, headers);
    }
}
