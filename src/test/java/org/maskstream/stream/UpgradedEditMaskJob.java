package org.maskstream.stream;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;
import org.maskstream.avro.MaskResult;
import picocli.CommandLine;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Version 2 of the job, as a user would ship it: the same topology with every uid unchanged, plus one stateful
 * operator ({@value #NEW_OPERATOR}: results counted per model version, in keyed state) that the savepoint of
 * version 1 knows nothing about. {@link #jar} builds its jar: the slim job jar with this class added.
 */
public final class UpgradedEditMaskJob {
    static final String NEW_OPERATOR = "results-per-version";

    private UpgradedEditMaskJob() {
    }

    /** The {@code job} command's options, as {@link EditMaskJobMain} takes them. */
    public static void main(String[] args) throws Exception {
        JobCommand options = new JobCommand();
        new CommandLine(options).parseArgs(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamConfig config = options.config(env.getConfiguration().toMap());
        EditMaskJob.configure(env, config);
        EditMaskJob.Topology topology = EditMaskJob.onKafka(env, config);
        topology.results()
                .keyBy(MaskResult::getModelVersion, TypeInformation.of(String.class))
                .process(new CountPerVersion(), Types.LONG)
                .name(NEW_OPERATOR).uid(NEW_OPERATOR)
                .sinkTo(new DiscardingSink<>()).name(NEW_OPERATOR + "-sink").uid(NEW_OPERATOR + "-sink");
        env.execute("maskstream edit-mask job, version 2");
    }

    /** The running count of results of each model version. */
    static final class CountPerVersion extends KeyedProcessFunction<String, MaskResult, Long> {
        private transient ValueState<Long> count;

        @Override
        public void open(OpenContext context) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
        }

        @Override
        public void processElement(MaskResult result, Context context, Collector<Long> out) throws IOException {
            long next = (count.value() == null ? 0 : count.value()) + 1;
            count.update(next);
            out.collect(next);
        }
    }

    /** A copy of {@code slimJar} at {@code out} with this class and its nested classes added. */
    static Path jar(Path slimJar, Path out) throws IOException, URISyntaxException {
        Files.createDirectories(out.getParent());
        Files.copy(slimJar, out, StandardCopyOption.REPLACE_EXISTING);
        Path classes = Path.of(UpgradedEditMaskJob.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String folder = UpgradedEditMaskJob.class.getPackageName().replace('.', '/');
        try (FileSystem zip = FileSystems.newFileSystem(out, Map.<String, Object>of());
             var files = Files.list(classes.resolve(folder))) {
            for (Path file : files.filter(f -> f.getFileName().toString()
                    .startsWith(UpgradedEditMaskJob.class.getSimpleName())).toList()) {
                Files.copy(file, zip.getPath(folder, file.getFileName().toString()),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return out;
    }
}
