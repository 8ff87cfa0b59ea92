package org.maskstream.view;

import org.maskstream.stream.StreamConfig;

import java.nio.file.Path;

/**
 * The live web view of a running job: a {@link ViewReader} on its topics feeding a {@link ViewState} that a
 * {@link ViewServer} shows. Used by {@code bin/maskstream view} and the demo.
 */
public final class View implements AutoCloseable {
    /**
     * @param host          address to listen on ({@code 127.0.0.1}: this machine only; {@code 0.0.0.0}: everyone)
     * @param port          port, 0 for any free one
     * @param registry      retraining registry whose refusals join the timeline; null: promotions only
     * @param fromBeginning show the topics from their beginning instead of from now
     */
    public record Options(String host, int port, Path registry, boolean fromBeginning, ViewState.Limits limits) {
        public Options {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0-65535, got " + port);
            }
        }
    }

    private final ViewReader reader;
    private final ViewServer server;
    private final String host;

    private View(ViewReader reader, ViewServer server, String host) {
        this.reader = reader;
        this.server = server;
        this.host = host;
    }

    public static View start(StreamConfig config, Options options) {
        ViewState state = new ViewState(options.limits());
        ViewReader reader = ViewReader.start(config, state, options.registry(), options.fromBeginning());
        try {
            return new View(reader, ViewServer.start(state, options.host(), options.port()), options.host());
        } catch (RuntimeException e) {
            try {
                reader.close();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
    }

    /** The page's address. */
    public String url() {
        String shown = host.equals("0.0.0.0") ? "localhost" : host;
        return "http://" + shown + ":" + server.port() + "/";
    }

    @Override
    public void close() throws InterruptedException {
        server.close();
        reader.close();
    }
}
