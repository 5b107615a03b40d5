package io.kestra.local;

import io.micronaut.context.ApplicationContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * The local Kestra: Kestra 2.0's engine (from Maven Central) in one JVM, with H2 on disk and
 * local storage, plus {@link io.kestra.local.api.ApiServer}, a stand-in for the part of
 * Kestra's REST API this project uses (the webserver is not on Maven Central).
 *
 * <p>Settings come from the Micronaut configuration file given by {@code micronaut.config.files}
 * (written by {@code npm run kestra:up}); secrets and envs from {@code SECRET_*} and
 * {@code ENV_*} environment variables, read by Kestra's own code.
 */
public final class LocalKestra {
    private static final Logger LOG = LoggerFactory.getLogger(LocalKestra.class);

    private LocalKestra() {
    }

    public static void main(String[] args) {
        try {
            start();
        } catch (Throwable e) {
            // Kestra's services run on non-daemon threads: without an exit, a failed start would hang.
            LOG.error("Local Kestra failed to start: {}", e.getMessage(), e);
            System.exit(1);
        }
    }

    private static void start() throws Exception {
        long started = System.nanoTime();
        ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false).start();
        LocalSettings settings = LocalSettings.from(context);
        EngineServices engine = new EngineServices();
        engine.start(context, settings.workerThreads(), Duration.ofMinutes(2));
        io.kestra.local.api.ApiServer api = io.kestra.local.api.ApiServer.start(context, settings);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.stop();
            engine.close();
            context.close();
        }, "local-kestra-shutdown"));
        LOG.info("Local Kestra ready on http://{}:{} in {} ms", settings.host(), api.port(), (System.nanoTime() - started) / 1_000_000);
    }
}
