package org.maskstream.model;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The {@link PriorSourceFactory} implementations on the class path, by the ids they accept. */
public final class PriorSources {
    private PriorSources() {
    }

    /** @throws IllegalArgumentException when no factory accepts {@code id} */
    public static PriorSource open(String id) {
        List<String> known = new ArrayList<>();
        for (PriorSourceFactory f : ServiceLoader.load(PriorSourceFactory.class, PriorSourceFactory.class.getClassLoader())) {
            if (f.accepts(id)) {
                return f.open(id);
            }
            known.add(f.getClass().getSimpleName());
        }
        throw new IllegalArgumentException("no prior source accepts '" + id + "' (factories on the class path: "
                + known + "): use coco-detector:FOLDER");
    }
}
