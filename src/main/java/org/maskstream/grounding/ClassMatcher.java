package org.maskstream.grounding;

/** Maps one word the synonym table does not know to the COCO class it most likely names. */
public interface ClassMatcher {
    /** The class index, or -1 when the word names no COCO class. */
    int classOf(String word);

    /** Knows no word: only the synonym table grounds. */
    ClassMatcher NONE = word -> -1;
}
