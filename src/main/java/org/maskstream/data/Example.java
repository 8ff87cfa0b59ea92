package org.maskstream.data;

import java.awt.image.BufferedImage;

/**
 * One edit example as every part of maskstream sees it: the image, the instruction and, when labeled, the mask of
 * the region to edit (same size as the image).
 *
 * @param mask {@code null} for an unlabeled example
 */
public record Example(String id, BufferedImage image, String instruction, Mask mask) {
    public Example {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("example id must not be blank");
        }
        if (mask != null && (mask.width() != image.getWidth() || mask.height() != image.getHeight())) {
            throw new IllegalArgumentException("example " + id + ": mask is " + mask.width() + "x" + mask.height()
                    + " but the image is " + image.getWidth() + "x" + image.getHeight());
        }
    }

    public boolean labeled() {
        return mask != null;
    }
}
