package org.maskstream.sql;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.maskstream.stream.StreamConfig;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code WITH} options of {@code CREATE MODEL ... 'provider' = 'maskstream'} and of the {@code maskstream-avro}
 * format. Each is a {@link StreamConfig} key without its {@value StreamConfig#PREFIX} prefix (same default, same
 * meaning, same checks), except {@code model.path}, the job's {@code maskstream.model}.
 */
final class SqlOptions {
    static final ConfigOption<String> MODEL_PATH = ConfigOptions.key("model.path").stringType().noDefaultValue()
            .withDescription("Model folder (a path or file: URI) written by 'train'; every TaskManager must read it.");
    static final ConfigOption<String> MODEL_SHA256 = of(StreamConfig.Key.MODEL_SHA256);
    static final ConfigOption<String> BATCH_SIZE = of(StreamConfig.Key.BATCH_SIZE);
    static final ConfigOption<String> BATCH_WAIT_MS = of(StreamConfig.Key.BATCH_WAIT_MS);
    static final ConfigOption<String> MAX_IMAGE_BYTES = of(StreamConfig.Key.MAX_IMAGE_BYTES);
    static final ConfigOption<String> MAX_IMAGE_PIXELS = of(StreamConfig.Key.MAX_IMAGE_PIXELS);
    static final ConfigOption<String> MAX_INSTRUCTION_CHARS = of(StreamConfig.Key.MAX_INSTRUCTION_CHARS);
    static final ConfigOption<String> SCHEMAS_DIR = of(StreamConfig.Key.SCHEMAS_DIR);

    /** The input checks both the model and the format apply (the job's decode step). */
    static final List<ConfigOption<String>> INPUT_LIMITS = List.of(MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS,
            MAX_INSTRUCTION_CHARS);

    private SqlOptions() {
    }

    private static ConfigOption<String> of(StreamConfig.Key key) {
        return ConfigOptions.key(sqlName(key)).stringType().defaultValue(key.defaultValue()).withDescription(key.doc());
    }

    private static String sqlName(StreamConfig.Key key) {
        return key.key().substring(StreamConfig.PREFIX.length());
    }

    static Set<ConfigOption<?>> modelOptional() {
        Set<ConfigOption<?>> options = new LinkedHashSet<>(List.of(MODEL_SHA256, BATCH_SIZE, BATCH_WAIT_MS,
                SCHEMAS_DIR));
        options.addAll(INPUT_LIMITS);
        return options;
    }

    static Set<ConfigOption<?>> formatOptional() {
        Set<ConfigOption<?>> options = new LinkedHashSet<>(List.of(SCHEMAS_DIR));
        options.addAll(INPUT_LIMITS);
        return options;
    }

    /**
     * The options as a checked {@link StreamConfig} (only the keys above differ from the defaults).
     *
     * @param what names the model or table in errors
     */
    static StreamConfig streamConfig(ReadableConfig options, String modelPath, String what) {
        StreamConfig.Builder builder = StreamConfig.builder().model(modelPath == null ? "" : modelPath);
        for (StreamConfig.Key key : List.of(StreamConfig.Key.MODEL_SHA256, StreamConfig.Key.BATCH_SIZE,
                StreamConfig.Key.BATCH_WAIT_MS, StreamConfig.Key.MAX_IMAGE_BYTES, StreamConfig.Key.MAX_IMAGE_PIXELS,
                StreamConfig.Key.MAX_INSTRUCTION_CHARS, StreamConfig.Key.SCHEMAS_DIR)) {
            builder.set(key, options.get(of(key)));
        }
        // one model per subtask: the cache only ever holds the model the options name
        builder.set(StreamConfig.Key.MODEL_CACHE_SIZE, 1);
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage().replace(StreamConfig.PREFIX, "")
                    + "; fix its WITH option", e);
        }
    }
}
