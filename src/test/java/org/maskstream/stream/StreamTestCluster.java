package org.maskstream.stream;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

import java.nio.file.Path;

/** The MiniCluster of the stream ITCases: two slots, nothing written to the system temp directory. */
public final class StreamTestCluster {
    private StreamTestCluster() {
    }

    public static MiniClusterExtension create() {
        return create(new Configuration());
    }

    /** With the settings of {@code conf} as well, e.g. a metric reporter. */
    public static MiniClusterExtension create(Configuration conf) {
        // the REST endpoint's upload folder defaults to /tmp/flink-web-upload and outlives the cluster
        conf.set(WebOptions.UPLOAD_DIR, Path.of("target", "flink-web-upload").toAbsolutePath().toString());
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(conf).setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());
    }
}
