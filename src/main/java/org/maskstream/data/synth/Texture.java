package org.maskstream.data.synth;

import java.util.random.RandomGenerator;

/**
 * Procedural background textures between two of {@link Background}'s muted colours, so a textured background never
 * passes for a named object colour and an instruction stays true when one replaces a scene's background. The two
 * families share only the palette: {@link #CLOUDS} is held out for the robustness test, {@link #PLAID} is the
 * training augmentation's, so a model trained with one is scored on a texture it never saw.
 */
public enum Texture {
    /** Value noise: random levels on a coarse grid, bilinearly interpolated, two octaves. */
    CLOUDS,
    /** Two or three sine gratings at random angles and periods, summed, with a little per-pixel grain. */
    PLAID;

    /** A {@code width x height} texture, row-major {@code 0xRRGGBB}, drawn from {@code rnd}. */
    public int[] paint(int width, int height, RandomGenerator rnd) {
        int a = Background.mutedColour(rnd);
        int b = Background.mutedColour(rnd);
        double[] t = this == CLOUDS ? clouds(width, height, rnd) : plaid(width, height, rnd);
        int[] px = new int[t.length];
        for (int i = 0; i < t.length; i++) {
            px[i] = Background.mix(a, b, Math.min(1, Math.max(0, t[i])));
        }
        return px;
    }

    private static double[] clouds(int width, int height, RandomGenerator rnd) {
        double[] t = new double[width * height];
        int side = Math.min(width, height);
        double weight = 1;
        double total = 0;
        for (int cell = Math.max(4, side / 5); cell >= 2 && weight >= 0.5; cell /= 2, weight /= 2) {
            int gw = width / cell + 2;
            int gh = height / cell + 2;
            double[] grid = new double[gw * gh];
            for (int i = 0; i < grid.length; i++) {
                grid[i] = rnd.nextDouble();
            }
            for (int y = 0; y < height; y++) {
                double gy = (y + 0.5) / cell;
                int y0 = (int) gy;
                double fy = gy - y0;
                for (int x = 0; x < width; x++) {
                    double gx = (x + 0.5) / cell;
                    int x0 = (int) gx;
                    double fx = gx - x0;
                    double top = grid[y0 * gw + x0] * (1 - fx) + grid[y0 * gw + x0 + 1] * fx;
                    double bottom = grid[(y0 + 1) * gw + x0] * (1 - fx) + grid[(y0 + 1) * gw + x0 + 1] * fx;
                    t[y * width + x] += weight * (top * (1 - fy) + bottom * fy);
                }
            }
            total += weight;
        }
        for (int i = 0; i < t.length; i++) {
            t[i] /= total;
        }
        return t;
    }

    private static double[] plaid(int width, int height, RandomGenerator rnd) {
        int gratings = 2 + rnd.nextInt(2);
        double side = Math.min(width, height);
        double[][] g = new double[gratings][];
        for (int k = 0; k < gratings; k++) {
            double angle = rnd.nextDouble(Math.PI);
            double period = side * (0.06 + 0.2 * rnd.nextDouble());
            g[k] = new double[] {Math.cos(angle) * 2 * Math.PI / period, Math.sin(angle) * 2 * Math.PI / period,
                    rnd.nextDouble(2 * Math.PI)};
        }
        double[] t = new double[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double s = 0;
                for (double[] k : g) {
                    s += Math.sin(k[0] * x + k[1] * y + k[2]);
                }
                t[y * width + x] = 0.5 + 0.5 * s / gratings + rnd.nextDouble(-0.08, 0.08);
            }
        }
        return t;
    }
}
