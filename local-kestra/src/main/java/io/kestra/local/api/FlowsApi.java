package io.kestra.local.api;

import io.kestra.core.exceptions.FlowProcessingException;
import io.kestra.core.models.flows.FlowSource;
import io.kestra.core.models.flows.FlowWithSource;
import io.kestra.core.models.validations.ValidateConstraintViolation;
import io.kestra.core.repositories.FlowRepositoryInterface;
import io.kestra.core.services.FlowService;
import io.micronaut.context.ApplicationContext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Flows, as Kestra's FlowController: create ({@code POST /flows}), update
 * ({@code PUT /flows/{namespace}/{id}}), get, bulk update of a namespace
 * ({@code POST /flows/{namespace}}) and validation ({@code POST /flows/validate}). Every write
 * is validated by Kestra's own validator first; its messages come back as 422.
 */
final class FlowsApi {
    private final FlowService flowService;
    private final FlowRepositoryInterface flowRepository;

    FlowsApi(ApplicationContext context) {
        this.flowService = context.getBean(FlowService.class);
        this.flowRepository = context.getBean(FlowRepositoryInterface.class);
    }

    void register(ApiServer api) {
        api.route("POST", "/api/v1/{tenant}/flows/validate", this::validate);
        api.route("POST", "/api/v1/{tenant}/flows", this::create);
        api.route("POST", "/api/v1/{tenant}/flows/{namespace}", this::bulkUpdate);
        api.route("GET", "/api/v1/{tenant}/flows/{namespace}/{id}", this::get);
        api.route("PUT", "/api/v1/{tenant}/flows/{namespace}/{id}", this::update);
    }

    private Response validate(Request request) throws Exception {
        String tenant = Tenants.of(request);
        return Response.json(flowService.validate(tenant, sources(request.bodyText())));
    }

    private Response create(Request request) throws Exception {
        String tenant = Tenants.of(request);
        String source = request.bodyText();
        requireValid(tenant, List.of(new FlowSource(null, source)));
        FlowWithSource parsed = parse(tenant, source);
        if (flowRepository.findById(tenant, parsed.getNamespace(), parsed.getId()).isPresent()) {
            throw ApiException.conflict("Flow id '" + parsed.getId() + "' already exists in namespace '" + parsed.getNamespace() + "'");
        }
        return Response.json(importFlow(tenant, source));
    }

    private Response update(Request request) throws Exception {
        String tenant = Tenants.of(request);
        String source = request.bodyText();
        requireValid(tenant, List.of(new FlowSource(null, source)));
        FlowWithSource parsed = parse(tenant, source);
        if (!parsed.getNamespace().equals(request.path("namespace")) || !parsed.getId().equals(request.path("id"))) {
            throw new ApiException(422, "Illegal flow id update: the source is " + parsed.getNamespace() + "." + parsed.getId()
                + ", the path " + request.path("namespace") + "." + request.path("id"));
        }
        if (flowRepository.findById(tenant, parsed.getNamespace(), parsed.getId()).isEmpty()) {
            throw ApiException.notFound("Flow " + parsed.getNamespace() + "." + parsed.getId() + " does not exist; create it with POST /api/v1/main/flows");
        }
        return Response.json(importFlow(tenant, source));
    }

    /** One YAML document per flow, separated by {@code ---}; every flow must be in the path's namespace. */
    private Response bulkUpdate(Request request) throws Exception {
        String tenant = Tenants.of(request);
        String namespace = request.path("namespace");
        List<FlowSource> sources = sources(request.bodyText());
        requireValid(tenant, sources);
        List<FlowWithSource> saved = new ArrayList<>();
        for (FlowSource source : sources) {
            FlowWithSource parsed = parse(tenant, source.content());
            if (!namespace.equals(parsed.getNamespace())) {
                throw new ApiException(422, "Flow " + parsed.getId() + " is in namespace '" + parsed.getNamespace() + "', not '" + namespace + "'");
            }
        }
        for (FlowSource source : sources) saved.add(importFlow(tenant, source.content()));
        if (request.query("delete").map(Boolean::parseBoolean).orElse(true)) {
            List<String> kept = saved.stream().map(FlowWithSource::getId).toList();
            for (FlowWithSource existing : flowRepository.findByNamespaceWithSource(tenant, namespace)) {
                if (!kept.contains(existing.getId())) flowService.delete(existing);
            }
        }
        return Response.json(saved);
    }

    private Response get(Request request) {
        String tenant = Tenants.of(request);
        Optional<FlowWithSource> flow = flowRepository.findByIdWithSource(tenant, request.path("namespace"), request.path("id"));
        return Response.json(flow.orElseThrow(() -> ApiException.notFound("Flow " + request.path("namespace") + "." + request.path("id") + " does not exist")));
    }

    private void requireValid(String tenant, List<FlowSource> sources) {
        List<ValidateConstraintViolation> violations = flowService.validate(tenant, sources).stream().filter(v -> v.getConstraints() != null).toList();
        if (!violations.isEmpty()) {
            String message = violations.stream()
                .map(v -> (v.getFlow() != null ? v.getFlow() + ": " : "") + v.getConstraints())
                .reduce((a, b) -> a + "; " + b).orElse("invalid flow");
            throw new ApiException(422, message);
        }
    }

    private FlowWithSource parse(String tenant, String source) {
        try {
            return flowService.importFlow(tenant, source, true);
        } catch (FlowProcessingException e) {
            throw new ApiException(422, e.getMessage());
        }
    }

    private FlowWithSource importFlow(String tenant, String source) {
        try {
            return flowService.importFlow(tenant, source);
        } catch (FlowProcessingException e) {
            throw new ApiException(422, e.getMessage());
        }
    }

    static List<FlowSource> sources(String body) {
        return Arrays.stream(body.split("(?m)^---\\s*$"))
            .filter(s -> !s.isBlank())
            .map(s -> new FlowSource(null, s.strip() + "\n"))
            .toList();
    }
}
