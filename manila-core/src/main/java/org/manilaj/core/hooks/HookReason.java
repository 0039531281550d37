package org.manilaj.core.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The short reason a pre-hook gives for a refusal, the only text of a hook that reaches a tenant: read from a JSON
 * answer's {@code reason} field (nothing else the hook writes), printable characters only, at most 200.
 */
final class HookReason {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX = 200;

    private HookReason() {
    }

    /** The {@code reason} of a JSON object, cleaned; null when there is none. */
    static String fromJson(String answer) {
        try {
            JsonNode reason = JSON.readTree(answer).path("reason");
            return reason.isTextual() ? clean(reason.asText()) : null;
        } catch (Exception e) {
            return null; // not JSON: the hook said nothing a tenant may read
        }
    }

    static String clean(String text) {
        // control and format characters (bidi overrides, zero-width ones) would let a hook disguise the text
        String printable = text.replaceAll("[\\p{Cntrl}\\p{Cf}\\p{Zl}\\p{Zp}]", " ").replaceAll("\\s+", " ").strip();
        if (printable.isEmpty()) {
            return null;
        }
        if (printable.codePointCount(0, printable.length()) <= MAX) {
            return printable;
        }
        return printable.substring(0, printable.offsetByCodePoints(0, MAX)); // never half a surrogate pair
    }
}
