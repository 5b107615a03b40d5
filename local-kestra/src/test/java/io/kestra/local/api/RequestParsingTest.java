package io.kestra.local.api;

import io.kestra.core.models.QueryFilter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stand-in API's own parsing: path templates, multipart bodies and Kestra 2.0's query filters. */
class RequestParsingTest {
    @Test
    void routesMatchTheirTemplateAndNothingElse() {
        Route route = new Route("GET", "/api/v1/{tenant}/executions/{executionId}", true, r -> Response.noContent());

        assertEquals(Map.of("tenant", "main", "executionId", "abc"), route.match("GET", List.of("api", "v1", "main", "executions", "abc")).orElseThrow());
        assertTrue(route.match("POST", List.of("api", "v1", "main", "executions", "abc")).isEmpty());
        assertTrue(route.match("GET", List.of("api", "v1", "main", "executions", "abc", "file")).isEmpty());
    }

    @Test
    void aRestTemplateTakesEverySegmentLeft() {
        Route route = new Route("POST", "/api/v1/{tenant}/executions/webhook/{namespace}/{id}/{key}/{path:.*}", false, r -> Response.noContent());

        Map<String, String> params = route.match("POST", List.of("api", "v1", "main", "executions", "webhook", "ns", "flow", "k", "a", "b")).orElseThrow();

        assertEquals("a/b", params.get("path"));
        assertFalse(route.match("POST", List.of("api", "v1", "main", "executions", "webhook", "ns", "flow", "k")).isPresent());
    }

    @Test
    void multipartBodiesGiveFieldsAndFiles() {
        String body = "--XyZ\r\nContent-Disposition: form-data; name=\"service\"\r\n\r\npayment-service\r\n"
            + "--XyZ\r\nContent-Disposition: form-data; name=\"fileContent\"; filename=\"a.cjs\"\r\nContent-Type: application/octet-stream\r\n\r\nline1\r\nline2\r\n"
            + "--XyZ--\r\n";

        List<Multipart.Part> parts = Multipart.parse("multipart/form-data; boundary=XyZ", body.getBytes(StandardCharsets.UTF_8));

        assertEquals(2, parts.size());
        assertEquals("payment-service", parts.get(0).text());
        assertFalse(parts.get(0).isFile());
        assertEquals("a.cjs", parts.get(1).filename());
        assertEquals("line1\r\nline2", parts.get(1).text());
    }

    @Test
    void aMultipartBodyWithoutBoundaryIsABadRequest() {
        ApiException e = assertThrows(ApiException.class, () -> Multipart.parse("multipart/form-data", new byte[0]));
        assertEquals(400, e.status());
    }

    @Test
    void filtersFollowKestrasQueryFormat() {
        List<QueryFilter> filters = ExecutionSearch.filters(Map.of(
            "filters[namespace][EQUALS]", List.of("ai.devops.commander"),
            "filters[labels][EQUALS][service]", List.of("payment-service"),
            "page", List.of("1")));

        assertEquals(2, filters.size());
        QueryFilter labels = filters.stream().filter(f -> f.field() == QueryFilter.Field.LABELS).findFirst().orElseThrow();
        assertEquals(QueryFilter.Op.EQUALS, labels.operation());
        assertEquals(Map.of("service", "payment-service"), labels.value());
    }

    @Test
    void inListsAndLabelsAreReadAsKestrasWebserverReadsThem() {
        Map<String, List<String>> query = new java.util.LinkedHashMap<>();
        query.put("filters[state][IN]", List.of("SUCCESS,WARNING,FAILED"));
        query.put("filters[labels][EQUALS][service]", List.of("payment-service"));
        query.put("filters[labels][EQUALS][decision]", List.of("ROLLBACK"));
        List<QueryFilter> filters = ExecutionSearch.filters(query);

        assertEquals(2, filters.size());
        QueryFilter state = filters.stream().filter(f -> f.field() == QueryFilter.Field.STATE).findFirst().orElseThrow();
        assertEquals(QueryFilter.Op.IN, state.operation());
        assertEquals(List.of("SUCCESS", "WARNING", "FAILED"), state.value());
        QueryFilter labels = filters.stream().filter(f -> f.field() == QueryFilter.Field.LABELS).findFirst().orElseThrow();
        assertEquals(Map.of("service", "payment-service", "decision", "ROLLBACK"), labels.value());
    }

    @Test
    void anUnknownFilterIsABadRequestNamingIt() {
        ApiException e = assertThrows(ApiException.class, () -> ExecutionSearch.filters(Map.of("filters[nope][EQUALS]", List.of("x"))));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("filters[nope][EQUALS]"));
    }
}
