package org.maskstream.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * One figure of the benchmark: the median of several runs with their minimum and maximum.
 *
 * @param runs how many runs it summarises
 */
public record Spread(double median, double min, double max, int runs) {

    /** The spread of {@code values} (at least one). */
    public static Spread of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("a spread needs at least one value");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Spread(median, sorted[0], sorted[n - 1], n);
    }

    /** E.g. "412 (398-430)" with {@code format} "%.0f". */
    public String text(String format) {
        return String.format(Locale.ROOT, format + " (" + format + "-" + format + ")", median, min, max);
    }
}
