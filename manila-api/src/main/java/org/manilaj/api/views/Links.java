package org.manilaj.api.views;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Manila's {@code links}: a {@code self} link under /v2 and a {@code bookmark} without the version. */
public final class Links {
    private Links() {
    }

    public static List<Map<String, String>> of(URI baseUri, String projectId, String collection, String id) {
        String base = baseUri.toString().endsWith("/") ? baseUri.toString() : baseUri + "/";
        return List.of(link("self", base + "v2/" + projectId + "/" + collection + "/" + id),
                link("bookmark", base + projectId + "/" + collection + "/" + id));
    }

    private static Map<String, String> link(String rel, String href) {
        Map<String, String> link = new LinkedHashMap<>();
        link.put("rel", rel);
        link.put("href", href);
        return link;
    }
}
