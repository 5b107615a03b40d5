package io.kestra.local.api;

import io.kestra.core.storages.Namespace;
import io.kestra.core.storages.NamespaceFactory;
import io.kestra.core.storages.StorageInterface;
import io.micronaut.context.ApplicationContext;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code POST /api/v1/{tenant}/namespaces/{namespace}/files?path=…} with a multipart
 * {@code fileContent}, as Kestra's NamespaceFileController; stored through core's
 * {@link Namespace}, which is what a task's {@code namespaceFiles} reads.
 */
final class NamespaceFilesApi {
    private final NamespaceFactory namespaces;
    private final StorageInterface storage;

    NamespaceFilesApi(ApplicationContext context) {
        this.namespaces = context.getBean(NamespaceFactory.class);
        this.storage = context.getBean(StorageInterface.class);
    }

    void register(ApiServer api) {
        api.route("POST", "/api/v1/{tenant}/namespaces/{namespace}/files", this::upload);
    }

    private Response upload(Request request) throws Exception {
        String tenant = Tenants.of(request);
        String path = request.query("path").filter(p -> !p.isBlank())
            .orElseThrow(() -> ApiException.badRequest("the query parameter 'path' is required (the file's path in the namespace, e.g. /dist/tasks/decide.cjs)"));
        if (path.contains("..")) throw ApiException.badRequest("path '" + path + "' must not contain '..'");
        List<Multipart.Part> parts = request.parts();
        Multipart.Part file = parts.stream().filter(p -> p.name().equals("fileContent")).findFirst()
            .orElseThrow(() -> ApiException.badRequest("a multipart part named 'fileContent' is required"));
        Namespace namespace = namespaces.of(tenant, request.path("namespace"), storage);
        namespace.putFile(Path.of(path.startsWith("/") ? path : "/" + path), new ByteArrayInputStream(file.content()), Namespace.Conflicts.OVERWRITE);
        return Response.noContent();
    }
}
