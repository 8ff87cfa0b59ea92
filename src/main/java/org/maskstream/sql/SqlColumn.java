package org.maskstream.sql;

import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.RowType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A column the maskstream provider or format knows by name, with the one SQL type it has. Declared columns are
 * matched against these at planning time, so a wrong name or type fails before the job starts, naming the column,
 * what it should be and the columns there are.
 */
interface SqlColumn {
    String sqlName();

    /** The type, nullable: declaring it {@code NOT NULL} is accepted too. */
    LogicalType type();

    /**
     * The known columns, in the order {@code declared} names them (name -> type).
     *
     * @param what names the model or table and its side ("model m: OUTPUT"), for the error
     */
    static <C extends Enum<C> & SqlColumn> List<C> match(Class<C> known, Map<String, LogicalType> declared,
                                                         String what) {
        List<C> matched = new ArrayList<>();
        for (Map.Entry<String, LogicalType> column : declared.entrySet()) {
            C c = byName(known, column.getKey()).orElseThrow(() -> new IllegalArgumentException(String.format(
                    Locale.ROOT, "%s has a column '%s' the maskstream provider does not know; the columns are: %s",
                    what, column.getKey(), describe(Arrays.asList(known.getEnumConstants())))));
            if (!nullable(column.getValue()).equals(c.type())) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: column '%s' must be %s, not %s",
                        what, c.sqlName(), c.type().asSummaryString(), column.getValue().asSummaryString()));
            }
            matched.add(c);
        }
        return matched;
    }

    /** Fails unless every one of {@code required} is among {@code matched}. */
    static <C extends Enum<C> & SqlColumn> void require(List<C> matched, Set<C> required, String what) {
        Set<C> missing = new LinkedHashSet<>(required);
        matched.forEach(missing::remove);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(what + " lacks the column(s) " + describe(missing) + " it needs");
        }
    }

    private static <C extends Enum<C> & SqlColumn> Optional<C> byName(Class<C> known, String name) {
        return Arrays.stream(known.getEnumConstants()).filter(c -> c.sqlName().equals(name)).findFirst();
    }

    static String describe(Iterable<? extends SqlColumn> columns) {
        List<String> parts = new ArrayList<>();
        columns.forEach(c -> parts.add(c.sqlName() + " " + c.type().asSummaryString()));
        return parts.stream().collect(Collectors.joining(", "));
    }

    /** {@code type} with every level nullable, for comparing declared types with known ones. */
    static LogicalType nullable(LogicalType type) {
        if (type instanceof RowType row) {
            return new RowType(true, row.getFields().stream()
                    .map(f -> new RowType.RowField(f.getName(), nullable(f.getType())))
                    .toList());
        }
        if (type instanceof MapType map) {
            return new MapType(true, nullable(map.getKeyType()), nullable(map.getValueType()));
        }
        return type.copy(true);
    }
}
