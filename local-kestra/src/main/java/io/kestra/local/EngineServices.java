package io.kestra.local;

import io.kestra.core.runners.Executor;
import io.kestra.core.runners.Indexer;
import io.kestra.core.runners.Scheduler;
import io.kestra.core.runners.Worker;
import io.kestra.core.server.Service;
import io.kestra.core.worker.Controller;
import io.micronaut.context.ApplicationContext;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Starts Kestra's own services in this one process, as {@code kestra server standalone} does:
 * the executor, the worker controller (gRPC, which the worker talks to), a worker, the
 * scheduler (webhook and schedule triggers) and the indexer (executions and logs into H2).
 */
final class EngineServices implements AutoCloseable {
    private final List<Service> services = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "local-kestra-service");
        t.setDaemon(true);
        return t;
    });

    void start(ApplicationContext context, int workerThreads, Duration timeout) throws InterruptedException {
        Executor executor = context.getBean(Executor.class);
        services.add(executor);
        threads.execute(executor);

        Controller controller = context.getBean(Controller.class);
        services.add(controller);
        threads.execute(controller::start);

        Worker worker = context.getBean(Worker.class);
        services.add(worker);
        threads.execute(() -> worker.start(workerThreads));

        Scheduler scheduler = context.getBean(Scheduler.class);
        services.add(scheduler);
        threads.execute(scheduler);

        Indexer indexer = context.getBean(Indexer.class);
        services.add(indexer);
        threads.execute(indexer);

        Instant deadline = Instant.now().plus(timeout);
        while (!services.stream().allMatch(EngineServices::running)) {
            List<String> failed = services.stream().filter(EngineServices::failed).map(EngineServices::describe).toList();
            if (!failed.isEmpty()) throw new IllegalStateException("Kestra services stopped during start-up: " + failed + "; see the log above");
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Kestra services not running after " + timeout.toSeconds() + " s: "
                    + services.stream().filter(s -> !running(s)).map(EngineServices::describe).toList());
            }
            Thread.sleep(50);
        }
    }

    private static boolean running(Service s) {
        return s.getState() == Service.ServiceState.RUNNING;
    }

    private static boolean failed(Service s) {
        Service.ServiceState state = s.getState();
        return state != null && state != Service.ServiceState.CREATED && state != Service.ServiceState.RUNNING;
    }

    private static String describe(Service s) {
        return s.getClass().getSimpleName() + " (" + s.getState() + ")";
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
