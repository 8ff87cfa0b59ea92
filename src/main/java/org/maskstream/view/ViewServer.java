package org.maskstream.view;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.sse.SseClient;
import io.javalin.http.staticfiles.Location;
import org.maskstream.util.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The view's web server (Javalin): the page and its script from {@code /view/} on the class path, Chart.js from its
 * WebJar, {@code /api/state} (a {@link ViewState.Snapshot} as JSON), the pictures of the shown results, and
 * {@code /events}, a server-sent event stream pushing the snapshot every {@link #PUSH_MS} ms. Nothing is fetched
 * from the network: the page works offline.
 */
public final class ViewServer implements AutoCloseable {
    static final long PUSH_MS = 1000;
    /** Open event streams allowed at once; each costs one snapshot's JSON per push. */
    static final int MAX_CLIENTS = 32;
    private static final String CHART_JS = "META-INF/resources/webjars/chart.js/%s/dist/chart.umd.js";

    private final ViewState state;
    private final Javalin app;
    private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService pusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "maskstream-view-push");
        t.setDaemon(true);
        return t;
    });

    private ViewServer(ViewState state) {
        this.state = state;
        String chartJs = String.format(CHART_JS, webjarVersion("org.webjars.npm", "chart.js"));
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.staticFiles.add("/view", Location.CLASSPATH);
        });
        app.get("/lib/chart.umd.js", ctx -> resource(ctx, chartJs, "text/javascript"));
        app.get("/api/state", ctx -> ctx.contentType("application/json").result(json()));
        app.get("/results/{seq}/{size}", this::picture);
        app.sse("/events", client -> {
            if (clients.size() >= MAX_CLIENTS) {
                client.ctx().status(HttpStatus.SERVICE_UNAVAILABLE);
                client.close();
                return;
            }
            client.keepAlive();
            client.onClose(() -> clients.remove(client));
            clients.add(client);
            client.sendEvent("state", json());
        });
    }

    /** Serves {@code state} on {@code host:port} (port 0: any free one) until closed. */
    public static ViewServer start(ViewState state, String host, int port) {
        ViewServer server = new ViewServer(state);
        server.app.start(host, port);
        server.pusher.scheduleWithFixedDelay(server::push, PUSH_MS, PUSH_MS, TimeUnit.MILLISECONDS);
        return server;
    }

    public int port() {
        return app.port();
    }

    private String json() {
        try {
            return Json.LINES.writeValueAsString(state.snapshot(System.currentTimeMillis()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void push() {
        if (clients.isEmpty()) {
            return;
        }
        String json = json();
        for (SseClient client : clients) {
            if (client.terminated()) {
                clients.remove(client);
            } else {
                client.sendEvent("state", json);
            }
        }
    }

    private void picture(Context ctx) {
        long seq;
        try {
            seq = Long.parseLong(ctx.pathParam("seq"));
        } catch (NumberFormatException e) {
            ctx.status(HttpStatus.BAD_REQUEST).result("not a result number: " + ctx.pathParam("seq"));
            return;
        }
        Shown shown = state.shown(seq);
        String size = ctx.pathParam("size");
        if (shown == null || !(size.equals("full.png") || size.equals("thumb.png"))) {
            ctx.status(HttpStatus.NOT_FOUND).result("result " + seq + " is no longer shown");
            return;
        }
        // a result's pictures never change: the browser may keep them
        ctx.header("Cache-Control", "max-age=3600, immutable").contentType("image/png")
                .result(size.equals("full.png") ? shown.full() : shown.thumb());
    }

    private static void resource(Context ctx, String path, String type) {
        InputStream in = ViewServer.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            ctx.status(HttpStatus.NOT_FOUND).result(path + " is not on the class path");
            return;
        }
        ctx.contentType(type).result(in);
    }

    /** The version of a WebJar on the class path, from the pom.properties Maven put into it. */
    static String webjarVersion(String group, String artifact) {
        String path = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = ViewServer.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing: the " + artifact + " WebJar is not on the class path");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        pusher.shutdownNow();
        clients.forEach(SseClient::close);
        app.stop();
    }
}
