package io.kestra.local.api;

import io.kestra.core.http.HttpRequest;
import io.kestra.core.http.HttpResponse;
import io.kestra.core.models.flows.Flow;
import io.kestra.core.models.triggers.AbstractTrigger;
import io.kestra.core.repositories.FlowRepositoryInterface;
import io.kestra.core.services.WebhookService;
import io.kestra.core.utils.IdUtils;
import io.kestra.plugin.core.trigger.AbstractWebhookTrigger;
import io.kestra.plugin.core.trigger.WebhookContext;
import io.micronaut.context.ApplicationContext;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code /api/v1/{tenant}/executions/webhook/{namespace}/{id}/{key}[/{path}]}: finds the flow's
 * webhook trigger whose rendered key matches, then lets the trigger itself evaluate the request
 * ({@link AbstractWebhookTrigger#evaluate}), which is how Kestra creates the execution. No basic
 * auth: the key is the webhook's only guard, as in Kestra.
 */
final class WebhookApi {
    private final FlowRepositoryInterface flowRepository;
    private final WebhookService webhookService;

    WebhookApi(ApplicationContext context) {
        this.flowRepository = context.getBean(FlowRepositoryInterface.class);
        this.webhookService = context.getBean(WebhookService.class);
    }

    void register(ApiServer api) {
        for (String method : new String[] {"GET", "POST", "PUT"}) {
            api.publicRoute(method, "/api/v1/{tenant}/executions/webhook/{namespace}/{id}/{key}", this::trigger);
            api.publicRoute(method, "/api/v1/{tenant}/executions/webhook/{namespace}/{id}/{key}/{path:.*}", this::trigger);
        }
    }

    private Response trigger(Request request) throws Exception {
        Flow flow = FlowLookup.require(flowRepository, request);
        String namespace = flow.getNamespace();
        String id = flow.getId();
        if (flow.isDisabled()) throw ApiException.notFound("Flow " + namespace + "." + id + " is disabled");
        AbstractWebhookTrigger trigger = matchingTrigger(flow, request.path("key"))
            .orElseThrow(() -> ApiException.notFound("Webhook not found: no enabled webhook trigger of " + namespace + "." + id + " has that key"));

        HttpRequest.RequestBody body = null;
        byte[] bytes = request.body();
        if (bytes.length > 0) {
            String type = request.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
            body = type.isEmpty() || type.contains("json") || type.startsWith("text/") || type.contains("xml") || type.contains("x-www-form-urlencoded")
                ? HttpRequest.StringRequestBody.of(new String(bytes, StandardCharsets.UTF_8))
                : HttpRequest.ByteArrayRequestBody.of(bytes);
        }
        HttpRequest httpRequest = HttpRequest.of(request.uri(), request.method(), body, request.headers());
        WebhookContext context = WebhookContext.builder()
            .request(httpRequest)
            .path(request.path("path"))
            .flow(flow)
            .trigger(trigger)
            .webhookService(webhookService)
            .executionId(IdUtils.create())
            .build();
        HttpResponse<?> response = trigger.evaluate(context).block(Duration.ofMinutes(2));
        if (response == null) throw new ApiException(500, "the webhook trigger gave no answer");
        int status = response.getStatus().getCode();
        if (response.getBody() == null) return status == 204 ? Response.noContent() : Response.json(status, java.util.Map.of("message", response.getStatus().getReason()));
        return Response.json(status, response.getBody());
    }

    private Optional<AbstractWebhookTrigger> matchingTrigger(Flow flow, String key) {
        if (flow.getTriggers() == null) return Optional.empty();
        for (AbstractTrigger t : flow.getTriggers()) {
            if (!(t instanceof AbstractWebhookTrigger webhook) || Boolean.TRUE.equals(t.isDisabled())) continue;
            try {
                String rendered = webhookService.runContext(flow, t).render(webhook.getKey());
                if (key.equals(rendered)) return Optional.of(webhook);
            } catch (Exception e) {
                throw new ApiException(500, "cannot render the key of webhook trigger '" + t.getId() + "': " + e.getMessage());
            }
        }
        return Optional.empty();
    }
}
