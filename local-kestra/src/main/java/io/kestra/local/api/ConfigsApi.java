package io.kestra.local.api;

import io.kestra.core.utils.VersionProvider;
import io.micronaut.context.ApplicationContext;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/v1/configs}: the server's version, as Kestra's MiscController answers it (the
 * fields we have). Open without credentials, as in Kestra: a client reads it before logging in.
 */
final class ConfigsApi {
    private final VersionProvider versions;

    ConfigsApi(ApplicationContext context) {
        this.versions = context.getBean(VersionProvider.class);
    }

    void register(ApiServer api) {
        api.publicRoute("GET", "/api/v1/configs", request -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("version", versions.getVersion());
            body.put("commitId", versions.getRevision());
            body.put("edition", "OSS");
            body.put("isBasicAuthEnabled", true);
            body.put("isAnonymousUsageEnabled", false);
            body.put("isUiAnonymousUsageEnabled", false);
            body.put("isTaskRunEnabled", false);
            body.put("isConcurrencyViewEnabled", false);
            body.put("localKestra", true);
            return Response.json(body);
        });
    }
}
