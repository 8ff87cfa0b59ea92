package org.maskstream.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A model option spelled by a short id on the command line and in {@code config.json} (e.g. {@code xattn-pooled}).
 * Enums implement it so one parser gives every flag the same error message.
 */
public interface Choice {
    String id();

    /** The constant of {@code type} whose id is {@code id}, or an error listing the accepted ids. */
    static <E extends Enum<E> & Choice> E parse(Class<E> type, String what, String id) {
        for (E e : type.getEnumConstants()) {
            if (e.id().equals(id)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + id + "': use one of "
                + Arrays.stream(type.getEnumConstants()).map(Choice::id).collect(Collectors.joining(", ")));
    }
}
