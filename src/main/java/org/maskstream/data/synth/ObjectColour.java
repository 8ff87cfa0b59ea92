package org.maskstream.data.synth;

/** The named colours of synthetic objects; saturated so a low-saturation background never passes for one. */
public enum ObjectColour {
    RED(0xDC2828),
    GREEN(0x28B43C),
    BLUE(0x2850DC),
    YELLOW(0xF0DC28),
    PURPLE(0x8C32B4),
    ORANGE(0xF08C1E);

    private final int rgb;

    ObjectColour(int rgb) {
        this.rgb = rgb;
    }

    /** The nominal colour as {@code 0xRRGGBB}; objects are drawn with a small jitter around it. */
    public int rgb() {
        return rgb;
    }
}
