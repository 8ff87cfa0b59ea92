package org.maskstream.model;

/**
 * Opens the {@link PriorSource} a {@link ModelConfig#prior()} id names. Implementations are found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services}), so the model library does not depend on the packages
 * that know objects (the COCO detector lives in {@code grounding}, which itself uses the model's text encoder).
 */
public interface PriorSourceFactory {

    /** Whether this factory opens {@code id} (e.g. by its prefix). */
    boolean accepts(String id);

    /**
     * @throws RuntimeException with a message saying what is missing when the source cannot be opened
     */
    PriorSource open(String id);
}
