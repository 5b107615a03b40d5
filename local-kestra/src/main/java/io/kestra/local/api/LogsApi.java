package io.kestra.local.api;

import io.kestra.core.repositories.ExecutionRepositoryInterface;
import io.kestra.core.repositories.LogDataStoreInterface;
import io.micronaut.context.ApplicationContext;
import org.slf4j.event.Level;

/** {@code GET /api/v1/{tenant}/logs/{executionId}[?minLevel=]}: an execution's logs, as Kestra's LogController. */
final class LogsApi {
    private final LogDataStoreInterface logs;
    private final ExecutionRepositoryInterface executions;

    LogsApi(ApplicationContext context) {
        this.logs = context.getBean(LogDataStoreInterface.class);
        this.executions = context.getBean(ExecutionRepositoryInterface.class);
    }

    void register(ApiServer api) {
        api.route("GET", "/api/v1/{tenant}/logs/{executionId}", this::list);
    }

    private Response list(Request request) {
        String tenant = Tenants.of(request);
        String id = request.path("executionId");
        if (executions.findById(tenant, id).isEmpty()) throw ApiException.notFound("Execution '" + id + "' not found");
        Level minLevel;
        try {
            minLevel = Level.valueOf(request.query("minLevel").orElse("TRACE").toUpperCase());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("minLevel must be one of TRACE, DEBUG, INFO, WARN, ERROR");
        }
        return Response.json(logs.findByExecutionId(tenant, id, minLevel));
    }
}
