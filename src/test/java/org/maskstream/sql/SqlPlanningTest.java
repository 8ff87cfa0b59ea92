package org.maskstream.sql;

import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Schema and option errors of the maskstream model and format surface when a query is planned: no cluster. */
class SqlPlanningTest {
    private static final String TABLE = """
            CREATE TABLE edit_requests (%s) WITH (
              'connector' = 'kafka', 'topic' = 'edit-requests', 'properties.bootstrap.servers' = 'localhost:1',
              'scan.startup.mode' = 'earliest-offset', 'format' = 'maskstream-avro')""";
    private static final String GOOD_COLUMNS = "id STRING, event_time TIMESTAMP_LTZ(3), image BYTES, "
            + "instruction STRING, ground_truth_mask BYTES";
    private static final String PREDICT = "EXPLAIN SELECT * FROM ML_PREDICT(TABLE edit_requests, MODEL m, "
            + "DESCRIPTOR(image, instruction, ground_truth_mask))";

    /** No model is needed: every check here fails before the folder is loaded, or because it does not load. */
    private static final Path MODEL = Path.of("target", "no-such-model");

    private static TableEnvironment env(String columns) {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        env.executeSql(String.format(TABLE, columns));
        return env;
    }

    private static String model(String input, String output, String options) {
        return "CREATE MODEL m INPUT (" + input + ") OUTPUT (" + output + ") WITH ('provider' = 'maskstream', "
                + options + ")";
    }

    private static String path() {
        return "'model.path' = '" + MODEL + "'";
    }

    /** The planning error's message chain, for assertions on the part maskstream wrote. */
    private static String planningError(TableEnvironment env, String sql) {
        Throwable e = assertThrows(Exception.class, () -> env.executeSql(sql));
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append(" | ");
        }
        return messages.toString();
    }

    private static void assertMentions(String message, String expected) {
        assertTrue(message.contains(expected), "expected '" + expected + "' in: " + message);
    }

    @Test
    void aWrongInputTypeNamesTheColumnAndItsType() {
        TableEnvironment env = env(GOOD_COLUMNS);
        env.executeSql(model("image STRING, instruction STRING", "mask_png BYTES", path()));
        assertMentions(planningError(env, "EXPLAIN SELECT * FROM ML_PREDICT(TABLE edit_requests, MODEL m, "
                + "DESCRIPTOR(instruction, instruction))"), "column 'image' must be BYTES, not STRING");
    }

    @Test
    void aMissingInputColumnIsNamed() {
        TableEnvironment env = env(GOOD_COLUMNS);
        env.executeSql(model("image BYTES", "mask_png BYTES", path()));
        assertMentions(planningError(env, "EXPLAIN SELECT * FROM ML_PREDICT(TABLE edit_requests, MODEL m, "
                + "DESCRIPTOR(image))"), "INPUT lacks the column(s) instruction STRING");
    }

    @Test
    void anUnknownOutputColumnListsTheKnownOnes() {
        TableEnvironment env = env(GOOD_COLUMNS);
        env.executeSql(model("image BYTES, instruction STRING, ground_truth_mask BYTES", "mask BYTES", path()));
        String error = planningError(env, PREDICT);
        assertMentions(error, "OUTPUT has a column 'mask' the maskstream provider does not know");
        assertMentions(error, "mask_png BYTES");
    }

    @Test
    void iouWithoutAGroundTruthInputIsRefused() {
        TableEnvironment env = env(GOOD_COLUMNS);
        env.executeSql(model("image BYTES, instruction STRING", "iou DOUBLE", path()));
        assertMentions(planningError(env, "EXPLAIN SELECT * FROM ML_PREDICT(TABLE edit_requests, MODEL m, "
                + "DESCRIPTOR(image, instruction))"), "add 'ground_truth_mask BYTES' to INPUT");
    }

    @Test
    void aModelFolderThatDoesNotLoadFailsAtPlanning() {
        TableEnvironment env = env(GOOD_COLUMNS);
        env.executeSql(model("image BYTES, instruction STRING, ground_truth_mask BYTES", "mask_png BYTES",
                path()));
        assertMentions(planningError(env, PREDICT), "does not load");
    }

    @Test
    void aBadBatchSizeIsNamed() {
        TableEnvironment env = env(GOOD_COLUMNS);
        env.executeSql(model("image BYTES, instruction STRING, ground_truth_mask BYTES", "mask_png BYTES",
                path() + ", 'batch.size' = '0'"));
        assertMentions(planningError(env, PREDICT), "batch.size must be positive, got 0");
    }

    @Test
    void anUnknownOptionIsRefused() {
        TableEnvironment env = env(GOOD_COLUMNS);
        env.executeSql(model("image BYTES, instruction STRING, ground_truth_mask BYTES", "mask_png BYTES",
                path() + ", 'batch.sise' = '4'"));
        assertMentions(planningError(env, PREDICT), "batch.sise");
    }

    @Test
    void aTableColumnTheFormatDoesNotHaveIsNamed() {
        TableEnvironment env = env("id STRING, picture BYTES");
        assertMentions(planningError(env, "EXPLAIN SELECT * FROM edit_requests"),
                "has a column 'picture' the maskstream provider does not know");
    }

    @Test
    void aTableColumnOfTheWrongTypeIsNamed() {
        TableEnvironment env = env("id STRING, event_time TIMESTAMP(3)");
        assertMentions(planningError(env, "EXPLAIN SELECT * FROM edit_requests"),
                "column 'event_time' must be TIMESTAMP_LTZ(3), not TIMESTAMP(3)");
    }
}
