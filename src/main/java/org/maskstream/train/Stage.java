package org.maskstream.train;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One stage of a training curriculum: {@code epochs} passes over only the training examples whose manifest field
 * {@code field} has the value {@code value}, before the main epochs over everything. Written
 * {@code FIELD=VALUE:EPOCHS} on the command line ({@code reference=position:30}).
 *
 * <p>Why a curriculum: on the synthetic benchmark the kinds of reference interfere. Mixed training never learns to
 * compare positions ("the circle on the left" stays at chance), while the same network trained on the position
 * scenes first does, and keeps it through the mixed epochs after (docs/results.md). Each stage gets its own
 * warm-up and cosine decay of the learning rate, as the chained runs that showed this had.
 */
public record Stage(String field, String value, int epochs) {
    private static final Pattern FORM = Pattern.compile("([^=:]+)=([^:]+):(\\d+)");

    public Stage {
        if (field == null || field.isBlank() || value == null || value.isBlank()) {
            throw new IllegalArgumentException("a curriculum stage needs a manifest field and a value");
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("curriculum stage " + field + "=" + value + " needs at least 1 epoch,"
                    + " got " + epochs);
        }
    }

    /**
     * @param text {@code FIELD=VALUE:EPOCHS}
     * @throws IllegalArgumentException saying the expected form
     */
    public static Stage parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("curriculum stage '" + text + "' is not FIELD=VALUE:EPOCHS, e.g."
                    + " reference=position:30");
        }
        return new Stage(m.group(1).trim(), m.group(2).trim(), Integer.parseInt(m.group(3)));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s=%s:%d", field, value, epochs);
    }
}
