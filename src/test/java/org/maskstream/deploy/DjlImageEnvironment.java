package org.maskstream.deploy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The environment the Dockerfile's runtime stage sets for DJL ({@code ENV KEY=VALUE ...} instructions). */
final class DjlImageEnvironment {

    /** Where the Dockerfile puts the unpacked native libraries. */
    static final String NATIVE_DIR = "/opt/djl";

    private static final Pattern ENV_INSTRUCTION = Pattern.compile("(?m)^ENV ((?:.*\\\\\\n)*.*)$");
    private static final Pattern ASSIGNMENT = Pattern.compile("([A-Z_][A-Z0-9_]*)=(\\S+)");

    private DjlImageEnvironment() {
    }

    static Map<String, String> of(String dockerfile) {
        String runtimeStage = dockerfile.substring(dockerfile.lastIndexOf("\nFROM "));
        Map<String, String> env = new LinkedHashMap<>();
        Matcher instruction = ENV_INSTRUCTION.matcher(runtimeStage);
        while (instruction.find()) {
            Matcher assignment = ASSIGNMENT.matcher(instruction.group(1));
            while (assignment.find()) {
                env.put(assignment.group(1), assignment.group(2));
            }
        }
        return env;
    }
}
