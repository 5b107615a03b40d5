package io.kestra.local.api;

/** What a route answers: a status, and a body serialised as JSON unless raw bytes are given. */
public record Response(int status, Object body, byte[] bytes, String contentType) {
    public static Response json(Object body) {
        return new Response(200, body, null, "application/json");
    }

    public static Response json(int status, Object body) {
        return new Response(status, body, null, "application/json");
    }

    public static Response bytes(byte[] content, String contentType) {
        return new Response(200, null, content, contentType);
    }

    public static Response noContent() {
        return new Response(204, null, null, null);
    }
}
