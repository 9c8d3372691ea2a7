package io.ferrite.server.metrics;

import javax.net.ssl.SSLContext;
import com.sun.net.httpserver.HttpsServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ferrite.server.BindAddress;
import io.ferrite.common.Log;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * GET /metrics on the metrics port, served by the JDK's HTTP server on a thread of its own (never a
 * shard's): Prometheus text format 0.0.4, or OpenMetrics 1.0 when the scraper's Accept header asks
 * for it. Bound on the same addresses as the RESP port (a leading '-' marks an optional one).
 */
public final class MetricsEndpoint implements AutoCloseable {
    private final FerriteMeters meters;
    private final List<HttpServer> servers = new ArrayList<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ferrite-metrics");
        t.setDaemon(true);
        return t;
    });
    static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private int port;

    public MetricsEndpoint(FerriteMeters meters) {
        this.meters = meters;
    }

    /**
     * Binds {@code port} on each of the `bind` addresses, over HTTPS when {@code tls} is given
     * (metrics-tls); returns the bound port.
     */
    public int start(String bind, int port, SSLContext tls) throws IOException {
        for (BindAddress a : BindAddress.parse(bind)) {
            String host = a.host();
            try {
                InetSocketAddress at = new InetSocketAddress(host, this.port != 0 ? this.port : port);
                HttpServer http;
                if (tls == null) {
                    http = HttpServer.create(at, 64);
                } else {
                    HttpsServer https = HttpsServer.create(at, 64);
                    https.setHttpsConfigurator(new HttpsConfigurator(tls));
                    http = https;
                }
                http.createContext("/", this::handle);
                http.setExecutor(executor);
                http.start();
                servers.add(http);
                this.port = http.getAddress().getPort();
            } catch (IOException e) {
                if (!a.optional()) {
                    close();
                    throw new IOException("Could not create metrics listening socket " + host + ":" + port + ": "
                        + e.getMessage(), e);
                }
            }
        }
        if (servers.isEmpty()) {
            throw new IOException("Failed listening on metrics port " + port + " (tcp), aborting.");
        }
        return this.port;
    }

    public int port() {
        return port;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            boolean head = ex.getRequestMethod().equals("HEAD");
            if (!ex.getRequestMethod().equals("GET") && !head) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                send(ex, 405, "text/plain; charset=utf-8", "Method Not Allowed\n".getBytes(StandardCharsets.UTF_8), false);
                return;
            }
            if (path.equals("/")) {
                send(ex, 200, "text/html; charset=utf-8",
                    "<html><body><a href=\"/metrics\">/metrics</a></body></html>\n".getBytes(StandardCharsets.UTF_8), head);
                return;
            }
            if (!path.equals("/metrics")) {
                send(ex, 404, "text/plain; charset=utf-8", "Not Found\n".getBytes(StandardCharsets.UTF_8), head);
                return;
            }
            String type = contentType(ex.getRequestHeaders().getFirst("Accept"));
            meters.refresh();
            ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
            meters.registry().scrape(body, type);
            send(ex, 200, type, body.toByteArray(), head);
        } catch (IOException | RuntimeException e) {
            Log.warning("Metrics request failed: " + e);
        }
    }

    /** OpenMetrics when the scraper accepts it (Prometheus does), else the classic text format. */
    private static String contentType(String accept) {
        return accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS : TEXT_004;
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body, boolean head) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        for (HttpServer s : servers) {
            s.stop(0);
        }
        servers.clear();
        executor.shutdownNow();
    }
}
