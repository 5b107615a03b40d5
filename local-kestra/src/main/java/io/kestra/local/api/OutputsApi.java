package io.kestra.local.api;

import io.kestra.core.models.executions.Execution;
import io.kestra.core.models.executions.TaskRun;
import io.kestra.core.repositories.ExecutionRepositoryInterface;
import io.kestra.core.services.ExecutionOutputService;
import io.kestra.core.services.TaskOutputService;
import io.micronaut.context.ApplicationContext;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Outputs, which Kestra 2.0 keeps outside the execution: {@code GET /outputs/executions/{id}}
 * (the flow's outputs) and {@code GET /outputs/tasks/{id}/{taskRunId}}, as Kestra's OutputController.
 */
final class OutputsApi {
    private final ExecutionRepositoryInterface executions;
    private final ExecutionOutputService executionOutputs;
    private final TaskOutputService taskOutputs;

    OutputsApi(ApplicationContext context) {
        this.executions = context.getBean(ExecutionRepositoryInterface.class);
        this.executionOutputs = context.getBean(ExecutionOutputService.class);
        this.taskOutputs = context.getBean(TaskOutputService.class);
    }

    void register(ApiServer api) {
        api.route("GET", "/api/v1/{tenant}/outputs/executions/{executionId}", this::executionOutputs);
        api.route("GET", "/api/v1/{tenant}/outputs/tasks/{executionId}/{taskRunId}", this::taskRunOutputs);
    }

    private Response executionOutputs(Request request) throws Exception {
        Map<String, Object> outputs = executionOutputs.getOutputs(find(request));
        return Response.json(outputs != null ? outputs : new LinkedHashMap<>());
    }

    private Response taskRunOutputs(Request request) throws Exception {
        Execution execution = find(request);
        TaskRun taskRun = execution.findTaskRunByTaskRunIdIfPresent(request.path("taskRunId"))
            .orElseThrow(() -> ApiException.notFound("Task run '" + request.path("taskRunId") + "' not found in execution " + execution.getId()));
        Map<String, Object> outputs = taskOutputs.getOutputs(taskRun);
        return Response.json(outputs != null ? outputs : new LinkedHashMap<>());
    }

    private Execution find(Request request) {
        String tenant = Tenants.of(request);
        String id = request.path("executionId");
        return executions.findById(tenant, id).orElseThrow(() -> ApiException.notFound("Execution '" + id + "' not found"));
    }
}
