package org.maskstream.grounding;

/**
 * One detected object.
 *
 * @param classId index into {@link CocoClasses#NAMES} (0 = person)
 * @param score   the class's score for this box, in [0, 1]
 * @param box     in pixels of the image that was passed to the detector
 */
public record Detection(int classId, float score, Box box) {
    public String label() {
        return CocoClasses.NAMES.get(classId);
    }
}
