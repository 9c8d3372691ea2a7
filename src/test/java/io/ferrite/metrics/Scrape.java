package io.ferrite.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Fetches and reads a Prometheus text exposition (as the tests need it: sample lines by name and labels). */
public final class Scrape {
    public final String text;
    public final String contentType;

    private Scrape(String text, String contentType) {
        this.text = text;
        this.contentType = contentType;
    }

    public static Scrape of(int port) {
        return of(port, null);
    }

    public static Scrape of(int port, String accept) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10));
            if (accept != null) {
                b.header("Accept", accept);
            }
            HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AssertionError("HTTP " + r.statusCode() + ": " + r.body());
            }
            return new Scrape(r.body(), r.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The sample lines of a metric (exact name) whose label set contains every given label text, e.g. cmd="get". */
    public List<String> lines(String name, String... labels) {
        List<String> out = new ArrayList<>();
        for (String l : text.split("\n")) {
            if (l.startsWith("#") || !(l.startsWith(name + "{") || l.startsWith(name + " "))) {
                continue;
            }
            boolean all = true;
            for (String lab : labels) {
                all &= l.contains(lab);
            }
            if (all) {
                out.add(l);
            }
        }
        return out;
    }

    /** The value of the one sample matching name and labels. */
    public double value(String name, String... labels) {
        List<String> l = lines(name, labels);
        if (l.size() != 1) {
            throw new AssertionError("expected one sample of " + name + " " + String.join(",", labels) + ", got " + l);
        }
        String line = l.get(0);
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    public static double valueOf(String line) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
}
