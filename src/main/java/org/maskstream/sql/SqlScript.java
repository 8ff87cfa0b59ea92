package org.maskstream.sql;

import org.apache.flink.table.api.ResultKind;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SQL script, run by {@link #run} (a {@code bin/maskstream sql -f FILE} command is still to come): {@code ${name}} variables filled in, then statements
 * separated by {@code ;} (not inside quotes, backticks or comments), executed in order on one
 * {@link TableEnvironment} ({@code SET 'key' = 'value'} sets a table option). A query's rows are printed as
 * they come (it blocks until the query ends); an
 * {@code INSERT} is submitted and awaited after the last statement.
 */
public final class SqlScript {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");
    /** {@code SET 'key' = 'value'}: the SQL client's statement, which a TableEnvironment does not execute. */
    private static final Pattern SET = Pattern.compile("(?is)SET\\s+'([^']+)'\\s*=\\s*'([^']*)'");

    private final List<String> statements;

    private SqlScript(List<String> statements) {
        this.statements = statements;
    }

    /**
     * @param variables values of the {@code ${name}} placeholders; a placeholder without a value is an error
     */
    public static SqlScript parse(String text, Map<String, String> variables) {
        // split first: a placeholder in a comment is text, and a value may hold a semicolon
        List<String> statements = split(text).stream().map(s -> fill(s, variables)).toList();
        if (statements.isEmpty()) {
            throw new IllegalArgumentException("the script has no statement");
        }
        return new SqlScript(statements);
    }

    private static String fill(String statement, Map<String, String> variables) {
        Matcher m = VARIABLE.matcher(statement);
        StringBuilder filled = new StringBuilder();
        while (m.find()) {
            String value = variables.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("the script uses ${" + m.group(1) + "} but no value was given for"
                        + " it (known: " + new TreeSet<>(variables.keySet()) + "); pass --var " + m.group(1) + "=VALUE");
            }
            m.appendReplacement(filled, Matcher.quoteReplacement(value));
        }
        m.appendTail(filled);
        return filled.toString();
    }

    /** The statements, without comments and the separating semicolons. */
    public List<String> statements() {
        return statements;
    }

    /** This script without its last statement (e.g. to run the set-up of a script whose last query a test reads). */
    public SqlScript withoutLastStatement() {
        return new SqlScript(statements.subList(0, statements.size() - 1));
    }

    /** Runs every statement on {@code env}, printing query results to {@code out}. */
    public void run(TableEnvironment env, PrintStream out) throws Exception {
        List<TableResult> inserts = new ArrayList<>();
        for (String statement : statements) {
            Matcher set = SET.matcher(statement);
            if (set.matches()) {
                env.getConfig().set(set.group(1), set.group(2));
                continue;
            }
            TableResult result = env.executeSql(statement);
            if (isInsert(statement)) {
                inserts.add(result);
            } else if (result.getResultKind() == ResultKind.SUCCESS_WITH_CONTENT) {
                result.print();
            }
        }
        for (TableResult insert : inserts) {
            insert.await();
        }
        out.flush();
    }

    private static boolean isInsert(String statement) {
        String head = statement.stripLeading().toUpperCase(Locale.ROOT);
        return head.startsWith("INSERT") || head.startsWith("EXECUTE");
    }

    /** Splits at semicolons outside quotes, backticks and comments; drops the comments and empty statements. */
    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
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
                current.append(c);
                i++;
            } else if (text.startsWith("--", i)) {
                int end = text.indexOf('\n', i);
                i = end < 0 ? text.length() : end;
            } else if (text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("a /* comment is never closed");
                }
                current.append(' ');
                i = end + 2;
            } else if (c == ';') {
                add(out, current);
                i++;
            } else {
                current.append(c);
                i++;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("a " + quote + " quote is never closed");
        }
        add(out, current);
        return out;
    }

    private static void add(List<String> out, StringBuilder statement) {
        String s = statement.toString().strip();
        if (!s.isEmpty()) {
            out.add(s);
        }
        statement.setLength(0);
    }
}
