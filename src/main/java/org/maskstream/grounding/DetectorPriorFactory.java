package org.maskstream.grounding;

import org.maskstream.model.PriorSource;
import org.maskstream.model.PriorSourceFactory;

import java.nio.file.Path;

/** Opens {@link DetectorPrior} for {@code coco-detector:FOLDER} ids; registered in {@code META-INF/services}. */
public final class DetectorPriorFactory implements PriorSourceFactory {
    @Override
    public boolean accepts(String id) {
        return id.startsWith(DetectorPrior.ID_PREFIX);
    }

    @Override
    public PriorSource open(String id) {
        return DetectorPrior.open(Path.of(id.substring(DetectorPrior.ID_PREFIX.length())));
    }
}
