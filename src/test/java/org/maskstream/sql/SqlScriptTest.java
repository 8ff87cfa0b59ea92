package org.maskstream.sql;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Splitting a script into statements and filling its placeholders. */
class SqlScriptTest {

    @Test
    void statementsAreSplitOutsideQuotesAndComments() {
        SqlScript script = SqlScript.parse("""
                -- a comment; not a statement
                SELECT 'a;b' AS `x;y`; /* a ; in a
                block comment */ SELECT "c;d";
                """, Map.of());
        assertEquals(List.of("SELECT 'a;b' AS `x;y`", "SELECT \"c;d\""), script.statements());
    }

    @Test
    void eachStatementKnowsTheLineItStartsOn() {
        List<Integer> lines = SqlScript.split("""
                -- line 1
                SELECT 1;

                /* line 4
                   line 5 */ SELECT
                  'line 6
                line 7'; SELECT 3
                """).stream().map(SqlScript.Statement::line).toList();
        assertEquals(List.of(2, 5, 7), lines);
    }

    @Test
    void placeholdersTakeTheGivenValueElseTheirDefault() {
        SqlScript script = SqlScript.parse("SELECT '${a}', '${b:-two}', '${c:-}'; -- ${in.a.comment}",
                Map.of("a", "one;1", "c", "three"));
        assertEquals(List.of("SELECT 'one;1', 'two', 'three'"), script.statements());
        assertEquals(Set.of("a", "b", "c"), script.placeholders());
    }

    @Test
    void aPlaceholderWithoutValueOrDefaultIsNamed() {
        Exception e = assertThrows(IllegalArgumentException.class,
                () -> SqlScript.parse("SELECT '${model}'", Map.of("topic", "t")));
        assertTrue(e.getMessage().contains("uses ${model} but no value was given for it (known: [topic]); pass --var"
                + " model=VALUE"), e.getMessage());
    }

    @Test
    void anUnclosedQuoteOrCommentSaysWhereItOpened() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SqlScript.parse("SELECT 1;\nSELECT 'x", Map.of()))
                .getMessage().contains("a ' quote opened on line 2 is never closed"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SqlScript.parse("\n\n/* x", Map.of()))
                .getMessage().contains("a /* comment that starts on line 3 is never closed"));
    }

    @Test
    void aScriptOfCommentsOnlyHasNoStatement() {
        assertThrows(IllegalArgumentException.class, () -> SqlScript.parse("-- nothing\n/* here */", Map.of()));
    }
}
