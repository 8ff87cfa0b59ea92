package org.maskstream.data.synth;

/** What the instruction asks to do to the referenced object. */
public sealed interface Edit {

    /** The manifest's short name of the edit kind: {@code recolour}, {@code remove}, {@code replace} or {@code hat}. */
    default String kind() {
        if (this instanceof Recolour) {
            return "recolour";
        }
        if (this instanceof Remove) {
            return "remove";
        }
        return this instanceof Replace ? "replace" : "hat";
    }

    record Recolour(ObjectColour colour) implements Edit {
    }

    record Remove() implements Edit {
    }

    record Replace(ShapeKind shape) implements Edit {
    }

    record AddHat() implements Edit {
    }
}
