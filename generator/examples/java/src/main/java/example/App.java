// A minimal HTTP service, the sample application of `dockseal new --example java` (standard library only).
// It answers 200 with a small JSON document on / and on the health path, 404 elsewhere.
package example;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

public final class App {
    private App() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        String healthPath = System.getenv().getOrDefault("HEALTH_PATH", "/healthz");
        HttpServer server = HttpServer.create(new InetSocketAddress("0.0.0.0", port), 0);
        server.createContext("/", exchange -> respond(exchange, healthPath));
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        System.out.println("listening on :" + port);
    }

    private static void respond(HttpExchange exchange, String healthPath) throws IOException {
        String path = exchange.getRequestURI().getPath();
        boolean known = "/".equals(path) || healthPath.equals(path);
        String body = known ? "{\"status\": \"ok\", \"service\": \"java-example\"}" : "{\"error\": \"not found\"}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(known ? 200 : 404, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
