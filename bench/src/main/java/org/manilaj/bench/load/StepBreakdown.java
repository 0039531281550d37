package org.manilaj.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the service spent the time of the operations a run made, from its own metrics: the sums and counts of
 * {@code manila_operation_step_seconds} (and of the API's create and delete requests in
 * {@code manila_http_request_seconds}) scraped before and after, as mean milliseconds per operation.
 */
final class StepBreakdown {
    private static final Pattern LINE = Pattern.compile(
            "^(manila_operation_step_seconds|manila_operation_seconds|manila_http_request_seconds)_(sum|count)\\{(.*)} (\\S+)$");
    /** A label and its value, whose braces, quotes and backslashes the text format escapes. */
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI metrics;
    private Map<String, double[]> before;

    StepBreakdown(String metricsUrl) {
        this.metrics = URI.create(metricsUrl);
    }

    /** Scrapes the starting point; false (and no breakdown) when the metrics cannot be read. */
    boolean start() {
        before = scrape();
        return before != null;
    }

    /** Mean milliseconds per operation type and step since {@link #start}: {"create": {"driver": 4.1, ...}, ...}. */
    Map<String, Map<String, Double>> since() {
        Map<String, double[]> after = scrape();
        Map<String, Map<String, Double>> means = new TreeMap<>();
        if (before == null || after == null) {
            return means;
        }
        after.forEach((key, sumAndCount) -> {
            double[] was = before.getOrDefault(key, new double[2]);
            double count = sumAndCount[1] - was[1];
            if (count > 0) {
                String[] typeAndStep = key.split("\\|", 2);
                means.computeIfAbsent(typeAndStep[0], type -> new LinkedHashMap<>())
                        .put(typeAndStep[1], Percentiles.round((sumAndCount[0] - was[0]) / count * 1000));
            }
        });
        return means;
    }

    /** "type|step" (for requests: "api|METHOD route") to {sum, count}; null when unreadable. */
    private Map<String, double[]> scrape() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return null;
            }
            Map<String, double[]> values = new HashMap<>();
            for (String line : response.body().split("\n")) {
                Matcher matcher = LINE.matcher(line);
                if (!matcher.matches()) {
                    continue;
                }
                Map<String, String> labels = new HashMap<>();
                Matcher label = LABEL.matcher(matcher.group(3));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
                String key = switch (matcher.group(1)) {
                    case "manila_operation_step_seconds" -> labels.get("type") + "|" + labels.get("step");
                    case "manila_operation_seconds" -> labels.get("type") + "|total (request to end)";
                    default -> "api|" + labels.get("method") + " " + labels.get("route") + " " + labels.get("status");
                };
                double[] sumAndCount = values.computeIfAbsent(key, k -> new double[2]);
                sumAndCount[matcher.group(2).equals("sum") ? 0 : 1] += Double.parseDouble(matcher.group(4));
            }
            return values;
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
