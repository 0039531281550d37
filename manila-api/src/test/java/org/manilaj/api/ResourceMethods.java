package org.manilaj.api;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.manilaj.api.filters.NoCaller;

/** The service's endpoints as Jersey's resource model has them, and the path spellings Jersey accepts for each. */
final class ResourceMethods {
    private static final Pattern PARAMETER = Pattern.compile("\\{(\\w+)(?:\\s*:\\s*([^}]*))?}");

    record Endpoint(String method, String template, boolean public_) {
        /** The template with each parameter given a value: a known id, the first alternative of a regex, or "x". */
        String samplePath(Map<String, String> values) {
            Matcher matcher = PARAMETER.matcher(template);
            StringBuilder path = new StringBuilder();
            while (matcher.find()) {
                String value = values.get(matcher.group(1));
                if (value == null) {
                    value = matcher.group(2) != null ? matcher.group(2).split("\\|")[0].replaceAll("[^\\w.-]", "") : "x";
                }
                matcher.appendReplacement(path, Matcher.quoteReplacement(value));
            }
            matcher.appendTail(path);
            return path.toString().replaceAll("/+", "/");
        }
    }

    private ResourceMethods() {
    }

    static List<Endpoint> of(ResourceConfig config) {
        Set<Class<?>> classes = new LinkedHashSet<>(config.getClasses());
        config.getInstances().forEach(instance -> classes.add(instance.getClass()));
        List<Endpoint> endpoints = new ArrayList<>();
        for (Class<?> type : classes) {
            if (type.isAnnotationPresent(jakarta.ws.rs.Path.class)) {
                collect(Resource.from(type), "", type.isAnnotationPresent(NoCaller.class), endpoints);
            }
        }
        return endpoints;
    }

    private static void collect(Resource resource, String prefix, boolean public_, List<Endpoint> into) {
        String path = prefix + "/" + (resource.getPath() == null ? "" : resource.getPath());
        for (ResourceMethod method : resource.getResourceMethods()) {
            boolean open = public_ || method.getInvocable().getDefinitionMethod().isAnnotationPresent(NoCaller.class);
            into.add(new Endpoint(method.getHttpMethod(), path.replaceAll("/+", "/"), open));
        }
        for (Resource child : resource.getChildResources()) {
            collect(child, path, public_, into);
        }
    }

    /** The path, then a trailing slash, matrix parameters on each segment in turn, and the project form. */
    static List<String> spellings(String path, String otherProject) {
        List<String> spellings = new ArrayList<>(List.of(path, path.endsWith("/") ? path : path + "/"));
        String[] segments = path.substring(1).split("/");
        for (int i = 0; i < segments.length; i++) {
            String[] copy = segments.clone();
            copy[i] = copy[i] + ";x=1";
            spellings.add("/" + String.join("/", copy));
        }
        if (path.startsWith("/v2/") && path.length() > 4) {
            spellings.add("/v2/" + otherProject + path.substring(3));
        }
        return spellings;
    }
}
