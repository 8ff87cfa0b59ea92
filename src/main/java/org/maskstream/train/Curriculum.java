package org.maskstream.train;

import org.maskstream.model.Choice;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * How an epoch orders its training examples. {@link #LOSS} needs nothing but the examples themselves, so it serves
 * any dataset where a {@link Stage} needs a manifest field that only generated data has: the examples the network
 * still gets wrong are drawn more often, which is what the position-then-colour stages did by hand for the
 * synthetic benchmark's hardest references.
 */
public enum Curriculum implements Choice {
    /** Every example once per epoch, shuffled. */
    NONE,
    /**
     * From the second epoch of each phase, the epoch's draws (as many as its examples, with replacement) are half
     * uniform and half in proportion to each example's error (1 - foreground IoU) when it was last trained on.
     */
    LOSS;

    /** Share of each epoch's draws that ignores the errors, so no example drops out. */
    static final double UNIFORM_SHARE = 0.5;

    @Override
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the choices */
    public static Curriculum parse(String id) {
        return Choice.parse(Curriculum.class, "curriculum", id.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * The order of one epoch over {@code indices}.
     *
     * @param firstEpoch whether this is the phase's first epoch, before which no error is known
     * @param errors     each training example's last error in [0, 1], by index
     */
    List<Integer> order(List<Integer> indices, boolean firstEpoch, double[] errors, Random random) {
        List<Integer> order = new ArrayList<>(indices);
        if (this == NONE || firstEpoch) {
            Collections.shuffle(order, random);
            return order;
        }
        double[] cumulative = new double[indices.size()];
        double sum = 0;
        for (int i = 0; i < indices.size(); i++) {
            sum += errors[indices.get(i)];
            cumulative[i] = sum;
        }
        for (int k = 0; k < order.size(); k++) {
            if (sum <= 0 || random.nextDouble() < UNIFORM_SHARE) {
                order.set(k, indices.get(random.nextInt(indices.size())));
            } else {
                int at = Arrays.binarySearch(cumulative, random.nextDouble() * sum);
                order.set(k, indices.get(Math.min(indices.size() - 1, at < 0 ? -at - 1 : at)));
            }
        }
        return order;
    }
}
