package org.manilaj.core.hooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook's signature: HMAC-SHA256 with the hook's secret over {@code "<timestamp>.<body>"}, sent as
 * {@code X-Manila-Signature: t=<timestamp>,v1=<hex>}. The timestamp in the signed text lets a receiver refuse old
 * deliveries replayed.
 */
public final class HookSignature {
    public static final String HEADER = "X-Manila-Signature";

    private HookSignature() {
    }

    public static String header(String secret, long timestamp, String body) {
        return "t=" + timestamp + ",v1=" + hmac(secret, timestamp + "." + body);
    }

    static String hmac(String secret, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
