package io.kestra.local.api;

import io.kestra.core.models.QueryFilter;
import io.kestra.core.models.executions.Execution;
import io.kestra.core.repositories.ArrayListTotal;
import io.kestra.core.repositories.ExecutionRepositoryInterface;
import io.micronaut.data.model.Pageable;
import io.micronaut.data.model.Sort;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/{tenant}/executions/search}: page, size, {@code sort=field:asc|desc} and
 * Kestra 2.0's PHP-style filters ({@code filters[namespace][EQUALS]=…},
 * {@code filters[labels][EQUALS][service]=…}, {@code filters[state][IN]=SUCCESS,FAILED}),
 * answered as Kestra's {@code {results, total}}.
 */
final class ExecutionSearch {
    private static final Pattern FILTER = Pattern.compile("^filters\\[([^\\]]+)\\]\\[([^\\]]+)\\](?:\\[([^\\]]+)\\])?$");

    private final ExecutionRepositoryInterface repository;

    ExecutionSearch(ExecutionRepositoryInterface repository) {
        this.repository = repository;
    }

    Response handle(Request request) {
        String tenant = Tenants.of(request);
        int page = positive(request, "page", 1);
        int size = positive(request, "size", 10);
        List<Sort.Order> orders = new ArrayList<>();
        for (String sort : request.queryAll("sort")) {
            String[] parts = sort.split(":");
            String field = repository.sortMapping().apply(parts[0]);
            boolean desc = parts.length > 1 && parts[1].equalsIgnoreCase("desc");
            orders.add(desc ? Sort.Order.desc(field) : Sort.Order.asc(field));
        }
        // Kestra's repositories take the page number as the API gives it (1-based), as its PageableUtils passes it.
        Pageable pageable = Pageable.from(page, size, orders.isEmpty() ? Sort.UNSORTED : Sort.of(orders));
        ArrayListTotal<Execution> found = repository.find(pageable, tenant, filters(request.queryMap()));
        return Response.json(Map.of("results", found, "total", found.getTotal()));
    }

    /**
     * As Kestra's webserver reads them (QueryFilterFormatBinder): an {@code IN}/{@code NOT_IN}
     * value is a comma-separated list ({@code filters[state][IN]=SUCCESS,FAILED}), and the
     * labels of one operation become one filter with a map of them.
     */
    static List<QueryFilter> filters(Map<String, List<String>> query) {
        List<QueryFilter> filters = new ArrayList<>();
        Map<QueryFilter.Op, Map<String, String>> labelsByOp = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> entry : query.entrySet()) {
            Matcher m = FILTER.matcher(entry.getKey());
            if (!m.matches() || entry.getValue().isEmpty()) continue;
            QueryFilter.Field field;
            QueryFilter.Op op;
            try {
                field = QueryFilter.Field.fromString(m.group(1));
                op = QueryFilter.Op.valueOf(m.group(2).toUpperCase());
            } catch (RuntimeException e) {
                throw ApiException.badRequest("invalid filter " + entry.getKey() + ": " + e.getMessage());
            }
            String first = entry.getValue().getFirst();
            Object value;
            if (field == QueryFilter.Field.LABELS && m.group(3) != null) {
                labelsByOp.computeIfAbsent(op, k -> new LinkedHashMap<>()).put(m.group(3), first);
                continue;
            } else if (m.group(3) != null) {
                value = Map.of(m.group(3), first);
            } else if (op == QueryFilter.Op.IN || op == QueryFilter.Op.NOT_IN) {
                value = List.of(first.replaceAll("[\\[\\]]", "").split(","));
            } else {
                value = entry.getValue().size() == 1 ? first : entry.getValue();
            }
            filters.add(QueryFilter.builder().field(field).operation(op).value(value).build());
        }
        labelsByOp.forEach((op, labels) -> filters.add(QueryFilter.builder().field(QueryFilter.Field.LABELS).operation(op).value(labels).build()));
        return filters;
    }

    private static int positive(Request request, String name, int fallback) {
        String raw = request.query(name).orElse(String.valueOf(fallback));
        try {
            int value = Integer.parseInt(raw);
            if (value < 1) throw new NumberFormatException();
            return value;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be a whole number of 1 or more, got '" + raw + "'");
        }
    }
}
