package org.maskstream.stream;

import org.maskstream.avro.ModelRef;
import org.maskstream.model.MaskModel;

import java.io.Serializable;

/** Loads the model a {@link ModelRef} names, verifying its hash when the ref carries one. */
@FunctionalInterface
public interface ModelLoader extends Serializable {
    MaskModel load(ModelRef ref) throws Exception;
}
