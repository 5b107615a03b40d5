package io.kestra.local;

import io.micronaut.context.ApplicationContext;

/**
 * The local Kestra's own settings, read once from the Micronaut configuration. Host, port and
 * basic-auth credentials use the keys the official Kestra server reads
 * ({@code micronaut.server.host/port}, {@code kestra.server.basic-auth.username/password}), so
 * one configuration file serves both.
 */
public record LocalSettings(String host, int port, String username, String password, int workerThreads) {
    public static LocalSettings from(ApplicationContext context) {
        String host = context.getProperty("micronaut.server.host", String.class, "127.0.0.1");
        int port = context.getProperty("micronaut.server.port", Integer.class, 8080);
        String username = context.getProperty("kestra.server.basic-auth.username", String.class)
            .orElseThrow(() -> new IllegalStateException("kestra.server.basic-auth.username is not set: the local Kestra never runs without basic auth"));
        String password = context.getProperty("kestra.server.basic-auth.password", String.class)
            .orElseThrow(() -> new IllegalStateException("kestra.server.basic-auth.password is not set: the local Kestra never runs without basic auth"));
        int workerThreads = context.getProperty("kestra.worker.threads", Integer.class, Math.max(8, Runtime.getRuntime().availableProcessors() * 8));
        if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1")) {
            throw new IllegalStateException("micronaut.server.host=" + host + ": the local Kestra binds to loopback only (127.0.0.1); use the official Kestra image to serve other addresses");
        }
        return new LocalSettings(host, port, username, password, workerThreads);
    }
}
