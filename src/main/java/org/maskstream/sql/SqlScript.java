package org.maskstream.sql;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.ResultKind;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.internal.TableResultImpl;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SQL script ({@code bin/maskstream sql -f FILE}): statements separated by {@code ;} (not inside quotes, backticks
 * or comments), {@code ${name}} placeholders filled in ({@code ${name:-default}} when no value is given), executed in
 * order on one {@link TableEnvironment} ({@code SET 'key' = 'value'} sets a table option). A query's rows are
 * printed as they come (it blocks until the query ends); an {@code INSERT} is submitted and awaited after the last
 * statement. A statement Flink refuses (parse, validation, planning: the model provider's checks) throws
 * {@link StatementException}, naming the statement and the line it starts on.
 */
public final class SqlScript {
    /** {@code ${name}} or {@code ${name:-default}}; a default runs to the first closing brace. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)(?::-([^}]*))?}");
    /** {@code SET 'key' = 'value'}: the SQL client's statement, which a TableEnvironment does not execute. */
    private static final Pattern SET = Pattern.compile("(?is)SET\\s+'([^']+)'\\s*=\\s*'([^']*)'");
    /** Characters of a statement quoted in an error: enough to recognise it. */
    private static final int QUOTED_CHARS = 60;

    /** One statement and the line of the script it starts on, for error messages. */
    record Statement(String sql, int line) {
    }

    private final List<Statement> statements;
    private final SortedSet<String> used;

    private SqlScript(List<Statement> statements, SortedSet<String> used) {
        this.statements = statements;
        this.used = used;
    }

    /**
     * @param variables values of the {@code ${name}} placeholders; a placeholder without a value or a default is an
     *                  error
     */
    public static SqlScript parse(String text, Map<String, String> variables) {
        SortedSet<String> used = new TreeSet<>();
        // split first: a placeholder in a comment is text, and a value may hold a semicolon
        List<Statement> statements = split(text).stream()
                .map(s -> new Statement(fill(s.sql(), variables, used), s.line())).toList();
        if (statements.isEmpty()) {
            throw new IllegalArgumentException("the script has no statement");
        }
        return new SqlScript(statements, Collections.unmodifiableSortedSet(used));
    }

    private static String fill(String statement, Map<String, String> variables, Set<String> used) {
        Matcher m = VARIABLE.matcher(statement);
        StringBuilder filled = new StringBuilder();
        while (m.find()) {
            String value = variables.getOrDefault(m.group(1), m.group(2));
            if (value == null) {
                throw new IllegalArgumentException("the script uses ${" + m.group(1) + "} but no value was given for"
                        + " it (known: " + new TreeSet<>(variables.keySet()) + "); pass --var " + m.group(1) + "=VALUE");
            }
            used.add(m.group(1));
            m.appendReplacement(filled, Matcher.quoteReplacement(value));
        }
        m.appendTail(filled);
        return filled.toString();
    }

    /** The statements, without comments and the separating semicolons. */
    public List<String> statements() {
        return statements.stream().map(Statement::sql).toList();
    }

    /** The names of the placeholders the parsed script uses (outside comments), with or without a default, sorted. */
    public SortedSet<String> placeholders() {
        return used;
    }

    /** This script without its last statement (e.g. to run the set-up of a script whose last query a test reads). */
    public SqlScript withoutLastStatement() {
        return new SqlScript(statements.subList(0, statements.size() - 1), used);
    }

    /**
     * Runs every statement on the local Flink this process starts, at {@code parallelism}; in a test that installed
     * a MiniCluster, on that cluster.
     */
    public void runEmbedded(int parallelism, PrintWriter out) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        run(StreamTableEnvironment.create(env), out);
    }

    /** Runs every statement on {@code env}, printing query results to {@code out}. */
    public void run(TableEnvironment env, PrintWriter out) throws Exception {
        List<TableResult> inserts = new ArrayList<>();
        for (int i = 0; i < statements.size(); i++) {
            Statement statement = statements.get(i);
            Matcher set = SET.matcher(statement.sql());
            if (set.matches()) {
                env.getConfig().set(set.group(1), set.group(2));
                continue;
            }
            TableResult result;
            try {
                result = env.executeSql(statement.sql());
            } catch (RuntimeException refused) {
                throw new StatementException(describe(i, statement), refused);
            }
            if (isInsert(statement.sql())) {
                inserts.add(result);
            } else if (result.getResultKind() == ResultKind.SUCCESS_WITH_CONTENT) {
                print(result, out);
            }
        }
        for (TableResult insert : inserts) {
            insert.await();
        }
        out.flush();
    }

    /** As {@link TableResult#print()} (the SQL client's table, rows as they come), but to {@code out}. */
    private static void print(TableResult result, PrintWriter out) {
        if (result instanceof TableResultImpl table) {
            table.getPrintStyle().print(table.collectInternal(), out);
        } else {
            result.print();
        }
        out.flush();
    }

    private static String describe(int index, Statement statement) {
        String oneLine = statement.sql().replaceAll("\\s+", " ");
        return "statement " + (index + 1) + " (line " + statement.line() + ": "
                + (oneLine.length() > QUOTED_CHARS ? oneLine.substring(0, QUOTED_CHARS) + "..." : oneLine) + ")";
    }

    private static boolean isInsert(String statement) {
        String head = statement.stripLeading().toUpperCase(Locale.ROOT);
        return head.startsWith("INSERT") || head.startsWith("EXECUTE");
    }

    /** Splits at semicolons outside quotes, backticks and comments; drops the comments and empty statements. */
    static List<Statement> split(String text) {
        List<Statement> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        int quoteLine = 0;
        int line = 1;
        int start = -1;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (quote != 0) {
                current.append(c);
                if (c == quote) {
                    quote = 0;
                }
                i++;
            } else if (c == '\'' || c == '`' || c == '"') {
                quote = c;
                quoteLine = line;
                start = start < 0 ? line : start;
                current.append(c);
                i++;
            } else if (text.startsWith("--", i)) {
                int end = text.indexOf('\n', i);
                i = end < 0 ? text.length() : end;
                continue;
            } else if (text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("a /* comment that starts on line " + line + " is never closed");
                }
                line += (int) text.substring(i, end).chars().filter(ch -> ch == '\n').count();
                current.append(' ');
                i = end + 2;
                continue;
            } else if (c == ';') {
                add(out, current, start);
                start = -1;
                i++;
            } else {
                start = start < 0 && !Character.isWhitespace(c) ? line : start;
                current.append(c);
                i++;
            }
            if (c == '\n') {
                line++;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("a " + quote + " quote opened on line " + quoteLine + " is never closed");
        }
        add(out, current, start);
        return out;
    }

    private static void add(List<Statement> out, StringBuilder statement, int line) {
        String s = statement.toString().strip();
        if (!s.isEmpty()) {
            out.add(new Statement(s, line));
        }
        statement.setLength(0);
    }

    /** Flink refused a statement of the script: the message names it; the cause says why. */
    public static final class StatementException extends RuntimeException {
        StatementException(String statement, Throwable cause) {
            super(statement + " was refused: " + reasons(cause), cause);
        }

        /**
         * The first line of each distinct message down the cause chain: Flink's wrapper first, the check that failed
         * last. The lines after the first are Flink's listings (the model's options, every token the parser expected).
         */
        private static String reasons(Throwable cause) {
            List<String> messages = new ArrayList<>();
            for (Throwable t = cause; t != null; t = t.getCause()) {
                String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip().lines()
                        .findFirst().orElse("").strip();
                if (messages.stream().noneMatch(seen -> seen.contains(m))) {
                    messages.add(m);
                }
            }
            return String.join(" ", messages);
        }
    }
}
