package io.kestra.local.api;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One endpoint: a method and a path template such as {@code /api/v1/{tenant}/executions/{executionId}}. */
record Route(String method, String template, boolean authenticated, Handler handler) {
    @FunctionalInterface
    interface Handler {
        Response handle(Request request) throws Exception;
    }

    /** The path parameters when the path fits the template (a {@code {name:.*}} segment takes the rest). */
    Optional<Map<String, String>> match(String method, List<String> segments) {
        if (!this.method.equals(method)) return Optional.empty();
        String[] parts = template.substring(1).split("/");
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.startsWith("{") && part.endsWith(":.*}")) {
                if (i >= segments.size()) return Optional.empty();
                params.put(part.substring(1, part.length() - 4), String.join("/", segments.subList(i, segments.size())));
                return Optional.of(params);
            }
            if (i >= segments.size()) return Optional.empty();
            if (part.startsWith("{") && part.endsWith("}")) {
                params.put(part.substring(1, part.length() - 1), segments.get(i));
            } else if (!part.equals(segments.get(i))) {
                return Optional.empty();
            }
        }
        return parts.length == segments.size() ? Optional.of(params) : Optional.empty();
    }
}
