package io.kestra.local.api;

import com.fasterxml.jackson.core.type.TypeReference;
import io.kestra.core.async.AsyncOperationProcessedEvent;
import io.kestra.core.executor.command.ExecutionCommand;
import io.kestra.core.executor.command.Resume;
import io.kestra.core.executor.command.UpdateLabels;
import io.kestra.core.models.Label;
import io.kestra.core.models.executions.Execution;
import io.kestra.core.models.executions.ExecutionKilled;
import io.kestra.core.models.executions.ExecutionKilledExecution;
import io.kestra.core.models.flows.Flow;
import io.kestra.core.queues.BroadcastQueueInterface;
import io.kestra.core.queues.DispatchQueueInterface;
import io.kestra.core.repositories.ExecutionRepositoryInterface;
import io.kestra.core.repositories.FlowRepositoryInterface;
import io.kestra.core.runners.FlowInputOutput;
import io.kestra.core.services.AsyncOperationWaiter;
import io.kestra.core.services.WebhookService;
import io.kestra.core.storages.StorageInterface;
import io.kestra.plugin.core.flow.Pause;
import io.micronaut.context.ApplicationContext;
import io.micronaut.inject.qualifiers.Qualifiers;
import jakarta.validation.ConstraintViolationException;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Executions, at Kestra 2.0's paths: create with typed inputs (multipart, as the UI's manual run
 * and kestrapy send them), get, search, download a file of the execution, and the
 * {@code actions/resume} and {@code actions/kill} actions. Creating, resuming and killing emit
 * the same commands Kestra's controller emits, and wait for the executor to confirm them.
 * {@code actions/labels} sets the labels of a terminated execution (400 otherwise), as Kestra's
 * {@code setLabelsOnTerminatedExecution}: an {@code UpdateLabels} command, system labels kept.
 */
final class ExecutionsApi {
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(30);

    private final FlowRepositoryInterface flowRepository;
    private final ExecutionRepositoryInterface executionRepository;
    private final FlowInputOutput flowInputOutput;
    private final WebhookService webhookService;
    private final StorageInterface storage;
    private final AsyncOperationWaiter waiter;
    private final DispatchQueueInterface<ExecutionCommand> commandQueue;
    private final BroadcastQueueInterface<ExecutionKilled> killQueue;
    private final ExecutionSearch search;

    @SuppressWarnings("unchecked")
    ExecutionsApi(ApplicationContext context) {
        this.flowRepository = context.getBean(FlowRepositoryInterface.class);
        this.executionRepository = context.getBean(ExecutionRepositoryInterface.class);
        this.flowInputOutput = context.getBean(FlowInputOutput.class);
        this.webhookService = context.getBean(WebhookService.class);
        this.storage = context.getBean(StorageInterface.class);
        this.waiter = context.getBean(AsyncOperationWaiter.class);
        this.commandQueue = (DispatchQueueInterface<ExecutionCommand>) context.getBean(
            io.micronaut.core.type.Argument.of(DispatchQueueInterface.class, ExecutionCommand.class));
        this.killQueue = (BroadcastQueueInterface<ExecutionKilled>) context.getBean(
            io.micronaut.core.type.Argument.of(BroadcastQueueInterface.class, ExecutionKilled.class));
        this.search = new ExecutionSearch(executionRepository);
    }

    void register(ApiServer api) {
        api.route("GET", "/api/v1/{tenant}/executions/search", search::handle);
        api.route("GET", "/api/v1/{tenant}/executions/{executionId}/file", this::file);
        api.route("POST", "/api/v1/{tenant}/executions/{executionId}/actions/resume", this::resume);
        api.route("DELETE", "/api/v1/{tenant}/executions/{executionId}/actions/kill", this::kill);
        api.route("POST", "/api/v1/{tenant}/executions/{executionId}/actions/labels", this::setLabels);
        api.route("GET", "/api/v1/{tenant}/executions/{executionId}", this::get);
        api.route("POST", "/api/v1/{tenant}/executions/{namespace}/{id}", this::create);
    }

    private Response get(Request request) {
        return Response.json(find(request));
    }

    private Response create(Request request) throws Exception {
        Flow flow = FlowLookup.require(flowRepository, request);
        String namespace = flow.getNamespace();
        String id = flow.getId();
        if (flow.isDisabled()) throw ApiException.conflict("Cannot execute disabled flow " + namespace + "." + id);

        Map<String, Object> given = new LinkedHashMap<>();
        for (Multipart.Part part : request.parts()) given.put(part.name(), part.text());
        List<Label> labels = new ArrayList<>();
        for (String label : request.queryAll("labels")) {
            int colon = label.indexOf(':');
            if (colon <= 0) throw ApiException.badRequest("label '" + label + "' must be key:value");
            labels.add(new Label(label.substring(0, colon), label.substring(colon + 1)));
        }
        Execution execution;
        try {
            execution = Execution.newExecution(flow, (f, e) -> flowInputOutput.readExecutionInputs(f, e, given), labels, Optional.empty());
        } catch (ConstraintViolationException e) {
            throw new ApiException(422, "Invalid inputs: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new ApiException(422, "Invalid inputs: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        }
        AsyncOperationProcessedEvent done = webhookService.startExecution(execution).block(CONFIRM_TIMEOUT);
        failIfRefused(done, "create the execution");
        Map<String, Object> body = ApiServer.JSON.convertValue(execution, new TypeReference<Map<String, Object>>() {});
        body.put("url", "/ui/main/executions/" + namespace + "/" + id + "/" + execution.getId());
        return Response.json(body);
    }

    private Response resume(Request request) throws Exception {
        Execution execution = find(request);
        if (!execution.getState().isPaused()) {
            throw ApiException.conflict("Execution '" + execution.getId() + "' is not paused (it is " + execution.getState().getCurrent() + "), can't resume it");
        }
        confirm(execution.getId(), "resume the execution",
            operationId -> emit(() -> commandQueue.emit(Resume.from(execution, Pause.Resumed.now()).withOperationId(operationId))));
        return Response.json(reread(execution));
    }

    private Response kill(Request request) throws Exception {
        Execution execution = find(request);
        if (execution.getState().isTerminated()) {
            throw ApiException.conflict("Execution '" + execution.getId() + "' is already finished (" + execution.getState().getCurrent() + "), can't kill it");
        }
        boolean cascade = request.query("isOnKillCascade").map(Boolean::parseBoolean).orElse(true);
        confirm(execution.getId(), "kill the execution", operationId -> emit(() -> killQueue.emit(
            ExecutionKilledExecution.builder()
                .state(ExecutionKilled.State.REQUESTED)
                .executionId(execution.getId())
                .isOnKillCascade(cascade)
                .tenantId(execution.getTenantId())
                .operationId(operationId)
                .build())));
        return Response.json(202, reread(execution));
    }

    private Response setLabels(Request request) throws Exception {
        Execution execution = find(request);
        List<Label> given;
        try {
            given = ApiServer.JSON.readValue(request.body(), new TypeReference<List<Label>>() {});
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("the body must be a JSON list of labels [{\"key\": …, \"value\": …}]: " + e.getMessage());
        }
        if (given == null) throw ApiException.badRequest("the body must be a JSON list of labels");
        for (Label label : given) {
            if (label == null || label.key() == null || !label.key().matches("^[\\p{Ll}][\\p{L}0-9._-]*$")) {
                throw new ApiException(422, "Invalid label key '" + (label == null ? null : label.key()) + "': a key contains only lowercase letters, numbers, -, _ or . and begins with a lowercase letter");
            }
            if (label.value() == null || label.value().isEmpty()) throw new ApiException(422, "Label '" + label.key() + "' has an empty value");
        }
        if (!execution.getState().getCurrent().isTerminated()) {
            throw ApiException.badRequest("The execution is not terminated");
        }
        // as Kestra's mergeSystemLabels: system labels are Kestra's own; the existing ones are kept
        List<Label> existingSystem = execution.getLabels() == null ? List.of()
            : execution.getLabels().stream().filter(l -> l.key().startsWith(Label.SYSTEM_PREFIX)).toList();
        List<Label> merged = new ArrayList<>();
        for (Label label : given) {
            if (label.key().startsWith(Label.SYSTEM_PREFIX) && !existingSystem.contains(label)) {
                throw new ApiException(422, "System labels can only be set by Kestra itself, offending label: " + label.key() + "=" + label.value());
            }
            if (!merged.contains(label)) merged.add(label);
        }
        for (Label label : existingSystem) if (!merged.contains(label)) merged.add(label);
        confirm(execution.getId(), "set the labels",
            operationId -> emit(() -> commandQueue.emit(UpdateLabels.from(execution, merged).withOperationId(operationId))));
        return Response.json(reread(execution));
    }

    /** An execution's file from the internal storage, served as Kestra does: application/octet-stream. */
    private Response file(Request request) throws Exception {
        Execution execution = find(request);
        String path = request.query("path").orElseThrow(() -> ApiException.badRequest("the query parameter 'path' (a kestra:/// URI) is required"));
        URI uri = URI.create(path);
        if (!"kestra".equals(uri.getScheme()) || !uri.getPath().contains("/executions/" + execution.getId() + "/")) {
            throw new ApiException(422, "Invalid prefix path: '" + path + "' is not a file of execution " + execution.getId());
        }
        String accept = request.header("Accept").orElse("*/*");
        if (!(accept.contains("*/*") || accept.contains("application/*") || accept.contains("application/octet-stream"))) {
            throw new ApiException(406, "The file endpoint serves application/octet-stream; the request accepts only " + accept);
        }
        try (InputStream in = storage.get(execution.getTenantId(), execution.getNamespace(), uri)) {
            return Response.bytes(in.readAllBytes(), "application/octet-stream");
        } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
            throw ApiException.notFound("No file at " + path);
        }
    }

    private Execution find(Request request) {
        String tenant = Tenants.of(request);
        String executionId = request.path("executionId");
        return executionRepository.findById(tenant, executionId)
            .orElseThrow(() -> ApiException.notFound("Execution '" + executionId + "' not found"));
    }

    private Execution reread(Execution execution) {
        return executionRepository.findById(execution.getTenantId(), execution.getId()).orElse(execution);
    }

    private void confirm(String executionId, String what, Consumer<String> submit) throws Exception {
        AsyncOperationProcessedEvent done;
        try {
            done = waiter.submitAndWait(executionId, submit, CONFIRM_TIMEOUT);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ApiException(504, "The executor did not confirm the request to " + what + " within " + CONFIRM_TIMEOUT.toSeconds() + " s");
        }
        failIfRefused(done, what);
    }

    private static void failIfRefused(AsyncOperationProcessedEvent done, String what) {
        if (done != null && done.outcome() == AsyncOperationProcessedEvent.Outcome.FAILED) {
            throw ApiException.conflict("Kestra refused to " + what + ": " + done.error());
        }
    }

    private interface QueueCall {
        void run() throws Exception;
    }

    private static void emit(QueueCall call) {
        try {
            call.run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot reach Kestra's queue: " + e.getMessage(), e);
        }
    }
}
