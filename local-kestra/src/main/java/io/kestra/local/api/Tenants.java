package io.kestra.local.api;

import io.kestra.core.tenant.TenantService;

/** Kestra OSS has one tenant, {@code main}; the paths carry it as in Kestra 2.0. */
final class Tenants {
    private Tenants() {
    }

    static String of(Request request) {
        String tenant = request.path("tenant");
        if (!TenantService.MAIN_TENANT.equals(tenant)) {
            throw ApiException.notFound("Tenant '" + tenant + "' does not exist: Kestra OSS has the one tenant '" + TenantService.MAIN_TENANT + "'");
        }
        return tenant;
    }
}
