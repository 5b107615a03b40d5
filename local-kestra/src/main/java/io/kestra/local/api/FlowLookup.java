package io.kestra.local.api;

import io.kestra.core.models.flows.Flow;
import io.kestra.core.repositories.FlowRepositoryInterface;

/** The flow a request's {@code {tenant}/…/{namespace}/{id}} path names, or a 404 saying which. */
final class FlowLookup {
    private FlowLookup() {
    }

    static Flow require(FlowRepositoryInterface flows, Request request) {
        String tenant = Tenants.of(request);
        String namespace = request.path("namespace");
        String id = request.path("id");
        return flows.findById(tenant, namespace, id)
            .orElseThrow(() -> ApiException.notFound("Flow not found: " + namespace + "." + id));
    }
}
