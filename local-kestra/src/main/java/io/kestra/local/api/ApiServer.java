package io.kestra.local.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kestra.core.serializers.JacksonMapper;
import io.kestra.local.LocalSettings;
import io.micronaut.context.ApplicationContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for the part of Kestra's REST API this project and its users call (Kestra's
 * webserver is not on Maven Central). Paths follow Kestra 2.0's controllers and its client
 * kestrapy; every answer is serialised with Kestra's own JSON mapper. Basic auth guards every
 * endpoint but the webhook, as in Kestra OSS. Anything else answers 404 saying so.
 */
public final class ApiServer {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    /** Kestra's mapper, as its REST API configures it: dates and durations as ISO-8601 strings. */
    static final ObjectMapper JSON = JacksonMapper.ofJson().copy().configure(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS, false);

    private final HttpServer server;
    private final ExecutorService threads;
    private final List<Route> routes = new ArrayList<>();
    private final byte[] expectedAuth;

    private ApiServer(HttpServer server, LocalSettings settings) {
        this.server = server;
        this.threads = Executors.newFixedThreadPool(32, r -> {
            Thread t = new Thread(r, "local-kestra-api");
            t.setDaemon(true);
            return t;
        });
        this.expectedAuth = ("Basic " + Base64.getEncoder().encodeToString((settings.username() + ":" + settings.password()).getBytes(StandardCharsets.UTF_8)))
            .getBytes(StandardCharsets.UTF_8);
    }

    public static ApiServer start(ApplicationContext context, LocalSettings settings) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 512);
        ApiServer api = new ApiServer(http, settings);
        new ConfigsApi(context).register(api);
        new FlowsApi(context).register(api);
        new NamespaceFilesApi(context).register(api);
        new WebhookApi(context).register(api);
        new ExecutionsApi(context).register(api);
        new OutputsApi(context).register(api);
        new LogsApi(context).register(api);
        http.createContext("/", api::handle);
        http.setExecutor(api.threads);
        http.start();
        return api;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void stop() {
        server.stop(0);
        threads.shutdownNow();
    }

    void route(String method, String template, Route.Handler handler) {
        routes.add(new Route(method, template, true, handler));
    }

    void publicRoute(String method, String template, Route.Handler handler) {
        routes.add(new Route(method, template, false, handler));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Response response;
            try {
                response = dispatch(exchange);
            } catch (ApiException e) {
                response = Response.json(e.status(), Map.of("message", e.getMessage()));
            } catch (Exception e) {
                LOG.warn("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
                response = Response.json(500, Map.of("message", "Internal server error: " + message));
            }
            write(exchange, response);
        }
    }

    private Response dispatch(HttpExchange exchange) throws Exception {
        String rawPath = exchange.getRequestURI().getRawPath();
        List<String> segments = Arrays.stream(rawPath.split("/"))
            .filter(s -> !s.isEmpty())
            .map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8))
            .toList();
        String method = exchange.getRequestMethod();
        boolean pathExists = false;
        for (Route route : routes) {
            Optional<Map<String, String>> params = route.match(method, segments);
            if (params.isEmpty()) {
                if (route.match(route.method(), segments).isPresent()) pathExists = true;
                continue;
            }
            if (route.authenticated() && !authorised(exchange)) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"Kestra\"");
                return Response.json(401, Map.of("message", "Unauthorized: this Kestra requires basic auth (KESTRA_USERNAME / KESTRA_PASSWORD)"));
            }
            return route.handler().handle(new Request(exchange, params.get()));
        }
        if (pathExists) return Response.json(405, Map.of("message", "Method " + method + " is not allowed on " + rawPath));
        return Response.json(404, Map.of("message", method + " " + rawPath + " is not part of the local Kestra (it serves only the API this project uses; see local-kestra/README.md). Use the official Kestra image for the full API."));
    }

    private boolean authorised(HttpExchange exchange) {
        String given = exchange.getRequestHeaders().getFirst("Authorization");
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expectedAuth);
    }

    private static void write(HttpExchange exchange, Response response) throws IOException {
        if (response.status() == 204) {
            exchange.sendResponseHeaders(204, -1);
            return;
        }
        byte[] body = response.bytes() != null ? response.bytes() : JSON.writeValueAsBytes(response.body());
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
