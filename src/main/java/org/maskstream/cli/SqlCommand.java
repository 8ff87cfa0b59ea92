package org.maskstream.cli;

import org.maskstream.sql.SqlScript;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/** {@code maskstream sql}: a Flink SQL script on a local Flink in this process. */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = {"Runs a Flink SQL script (e.g. examples/sql/live-iou.sql) on a local Flink in this process, "
                + "with the maskstream model provider, the maskstream-avro format and MASK_IOU (see docs/sql.md). "
                + "Each query prints its rows as they come; an unbounded query runs until Ctrl-C.",
                "Placeholders $${name} take their value from --var name=VALUE, $${name:-default} from the default "
                        + "without one; $${bootstrap.servers} from --bootstrap-servers. Kafka client settings "
                        + "(security.protocol, sasl.*) go in the tables' WITH ('properties.KEY' = ...).",
                "A statement Flink refuses (syntax, an unknown table or column, the model's checks: a folder that "
                        + "does not load, a wrong column type) stops the script with its number, line and reason."})
public final class SqlCommand implements Callable<Integer> {

    /** The placeholder --bootstrap-servers fills, as the example and docs/sql.md name it. */
    static final String BOOTSTRAP_SERVERS = "bootstrap.servers";

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "The SQL script to run.")
    Path file;

    @Option(names = "--var", paramLabel = "NAME=VALUE", description = "Value of the script's $${NAME}; repeatable. "
            + "A NAME the script does not use is an error (a misspelt one would leave a default in place).")
    Map<String, String> vars = new LinkedHashMap<>();

    @Mixin
    BrokerOption broker = new BrokerOption();

    @Option(names = "--parallelism", defaultValue = "1", description = "Parallelism of the local Flink; each "
            + "subtask of ML_PREDICT loads its own copy of the model (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Override
    public Integer call() throws Exception {
        if (parallelism < 1) {
            throw new UserError("--parallelism must be at least 1, got " + parallelism);
        }
        if (vars.containsKey(BOOTSTRAP_SERVERS)
                && spec.commandLine().getParseResult().hasMatchedOption("--bootstrap-servers")) {
            throw new UserError("the broker is given twice, by --bootstrap-servers and by --var "
                    + BOOTSTRAP_SERVERS + ": keep one");
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UserError("cannot read the SQL script " + file + ": " + (e instanceof NoSuchFileException ? "no such "
                    + "file" : e.getMessage()) + " (-f names a text file)", e);
        }
        Map<String, String> values = new LinkedHashMap<>(vars);
        values.putIfAbsent(BOOTSTRAP_SERVERS, broker.servers);
        SqlScript script;
        try {
            script = SqlScript.parse(text, values);
        } catch (IllegalArgumentException e) {
            throw new UserError(file + ": " + e.getMessage(), e);
        }
        Set<String> unused = new TreeSet<>(vars.keySet());
        unused.removeAll(script.placeholders());
        if (!unused.isEmpty()) {
            throw new UserError(file + " has no placeholder for --var " + String.join(", ", unused) + " (it uses: "
                    + String.join(", ", script.placeholders()) + ")");
        }
        try {
            script.runEmbedded(parallelism, spec.commandLine().getOut());
        } catch (SqlScript.StatementException e) {
            throw new UserError(file + ": " + e.getMessage(), e);
        }
        return 0;
    }
}
