package dev.zt.core.detect;

import dev.zt.core.detect.SqlWord.Type;

/**
 * Folds a token stream into its fingerprint and judges the fingerprint against a fixed set of injection shapes.
 *
 * <p>Folding merges what SQL reads as one thing: multi-word keywords ({@code UNION ALL}, {@code ORDER BY},
 * {@code IS NOT}, {@code WAITFOR DELAY}), unary operators ({@code -1}, {@code NOT x}), and arithmetic on operands
 * ({@code 1-2}, {@code x'-email}) into the operand. A comment that the value continues past is whitespace; only a
 * comment at the very end (which swallows the rest of the query) stays.
 *
 * <p>Every shape anchors on structure an injection needs and prose lacks: a literal the value closes and then
 * continues as code, a statement after {@code ;}, {@code UNION SELECT}, a call to a delay or file function, a
 * comparison of literals after AND/OR. A value that is only words, or words with apostrophes, reaches none of them.
 * Each rule is a bounded look at the tokens around one position, or reads the parentheses matched once per stream
 * ({@link SqlTokens#closeOf}), so judging is linear in the number of tokens; {@code SqlInjectionDetectorLinearityTests}
 * counts it.
 */
final class SqlJudge {

  /** Where the value is assumed to sit in the query, and how its literals are lexed. */
  enum Context {
    AS_IS((char) 0, false, "as-is"),
    SINGLE_QUOTE('\'', false, "after-single-quote"),
    DOUBLE_QUOTE('"', false, "after-double-quote"),
    SINGLE_QUOTE_MYSQL('\'', true, "after-single-quote-backslash-escapes"),
    DOUBLE_QUOTE_MYSQL('"', true, "after-double-quote-backslash-escapes"),
    /** A MySQL {@code `identifier`} the application opened: a column or table name taken from input. */
    BACKTICK('`', false, "after-backtick");

    final char quote;
    final boolean backslash;
    final String label;

    Context(char quote, boolean backslash, String label) {
      this.quote = quote;
      this.backslash = backslash;
      this.label = label;
    }
  }

  /** A shape that matched: its name, severity, the fingerprint, and where in the value it starts. */
  record Finding(String shape, Severity severity, Context context, String fingerprint, int position) {}

  private static final int FINGERPRINT_LETTERS = 16;
  /** How far a stacked statement may sit behind its {@code ;} (MSSQL: {@code ; IF (...) WAITFOR}, {@code ; WHILE}). */
  private static final int STACKED_REACH = 6;

  // Predicate strengths after AND/OR.
  private static final int NONE = 0;
  /** A bare literal: {@code ' or 1}, {@code a'or'a}. */
  private static final int LITERAL = 1;
  /** Two words joined by a comparison word: {@code email notnull}, but also prose ({@code newer is required}). */
  private static final int WORDY = 2;
  /** A call of a function that is not a known SQL function, or a column compared with a symbol. */
  private static final int WEAK = 3;
  /** A comparison of literals, a known SQL function, a subquery, {@code TRUE}. */
  private static final int STRONG = 4;

  private SqlJudge() {}

  /**
   * Folds the tokens in place (the folded stream is never longer than the read position) and returns them: the
   * fingerprint's token stream.
   */
  static SqlTokens fold(SqlTokens f) {
    int n = f.size;
    f.size = 0;
    for (int i = 0; i < n; i++) {
      f.work++;
      char t = f.type[i];
      SqlWord w = f.word[i];
      int last = f.size - 1;
      SqlWord prev = f.wordAt(last);
      if (t == Type.COMMENT && i < n - 1) {
        continue; // the value goes on after it: the comment only separated tokens
      }
      if (t == Type.NOT) {
        continue; // NOT x, IS NOT, NOT LIKE: the operand or the comparison is what matters
      }
      if (prev == SqlWord.UNION && w == SqlWord.QUANTIFIER) {
        continue; // UNION ALL, UNION DISTINCT
      }
      if ((prev == SqlWord.ORDER || prev == SqlWord.GROUP) && w == SqlWord.BY) {
        f.type[last] = Type.ORDER_BY;
        f.end[last] = f.end[i];
        continue;
      }
      if (prev == SqlWord.WAITFOR && (w == SqlWord.DELAY || w == SqlWord.TIME)) {
        f.type[last] = Type.FUNCTION;
        f.flags[last] |= SqlTokens.WAITFOR_DELAY;
        f.end[last] = f.end[i];
        continue;
      }
      if (w == SqlWord.INSERT && f.typeAt(last) == Type.NAME && f.spells(last, "bulk")) {
        f.type[last] = Type.STATEMENT; // SQL Server's BULK INSERT t FROM 'file': one verb
        f.word[last] = SqlWord.INSERT;
        f.flags[last] |= SqlTokens.BULK;
        f.end[last] = f.end[i];
        continue;
      }
      if (prev == SqlWord.INTO && w == SqlWord.OUTFILE) {
        f.flags[last] |= SqlTokens.INTO_FILE;
        f.end[last] = f.end[i];
        continue;
      }
      if ((prev == SqlWord.SIMILAR && w == SqlWord.TO)
          || (t == Type.COMPARE && (prev == SqlWord.IS || prev == SqlWord.SOUNDS))) {
        continue; // SIMILAR TO, IS LIKE, SOUNDS LIKE: one comparison
      }
      boolean unary = t == Type.OPERATOR && "+-!~".indexOf(f.op[i]) >= 0;
      if (unary && expectsOperand(f.typeAt(last))) {
        continue; // -1, !x, ~x
      }
      if (isOperand(t) && f.typeAt(last) == Type.OPERATOR && isOperand(f.typeAt(last - 1))) {
        boolean jsonCast = f.type[last - 1] == Type.STRING && f.op[last] == ':' && f.end[last] == f.start[last] + 2
            && t == Type.NAME && (f.spellsAhead(i, "json") || f.spellsAhead(i, "jsonb"));
        f.size--; // 1-2, x'-email, a|b: arithmetic on operands is an operand
        int merged = last - 1;
        if (t == Type.NAME && f.has(merged, SqlTokens.FOLDED)) {
          f.flags[merged] |= SqlTokens.WORD_CHAIN;
        }
        if (t == Type.NAME || f.type[merged] == Type.NAME) {
          f.flags[merged] |= SqlTokens.FOLDED_NAME;
        }
        boolean wildcard = f.op[last] == '*' && (f.flags[merged] & SqlTokens.FOLDED) == 0; // "*": a search for *
        if (t == Type.STRING && (f.flags[i] & SqlTokens.OPEN) != 0 && f.end[i] - f.start[i] == 1 && !wildcard) {
          f.flags[merged] |= SqlTokens.OPEN_TAIL;
        }
        if (t == Type.STRING && (f.flags[i] & SqlTokens.OPEN) != 0 && f.op[i] == f.op[0] && merged == 0
            && (f.op[last] == '|' || f.op[last] == '^' || f.op[last] == '+') && f.end[i] - f.start[i] > 1
            && !f.blank(i)) {
          f.flags[merged] |= SqlTokens.BITWISE_TAIL; // A' | 'B, '+'HERP: one word in the literal the application closes
        }
        if (jsonCast) {
          f.flags[merged] |= SqlTokens.JSON_CAST; // '{"a":1}'::jsonb
        }
        f.flags[merged] |= SqlTokens.FOLDED;
        f.end[merged] = f.end[i];
        continue;
      }
      if (t == Type.CLOSE_PAREN && last >= 3 && f.type[last - 1] == Type.OPEN_PAREN && isLiteral(f.type[last])
          && f.type[last - 2] == Type.OPERATOR && "+-*/%".indexOf(f.op[last - 2]) >= 0
          && isOperand(f.type[last - 3])) {
        // x'-(1), 2*(3): a literal in parentheses after arithmetic is that literal, and the arithmetic folds into
        // one operand as x'-1 does
        int merged = last - 3;
        if (f.type[merged] == Type.NAME) {
          f.flags[merged] |= SqlTokens.FOLDED_NAME;
        }
        f.flags[merged] |= SqlTokens.FOLDED;
        f.end[merged] = f.end[i];
        f.size = merged + 1;
        continue;
      }
      f.keep(i);
    }
    return f;
  }

  /**
   * Whether the token at {@code i} is a literal the application's own quote closes that holds one word glued to its
   * quote, letters and digits only ({@code 'DERP}).
   */
  private static boolean openWord(SqlTokens f, int i) {
    if (f.typeAt(i) != Type.STRING || !f.has(i, SqlTokens.OPEN) || f.text == null || f.end[i] - f.start[i] < 2
        || f.end[i] - f.start[i] > 21) {
      return false;
    }
    for (int k = f.start[i] + 1; k < f.end[i]; k++) {
      f.work++;
      if (!Character.isLetterOrDigit(f.text[k])) {
        return false;
      }
    }
    return true;
  }

  /** Whether the token at {@code i} is a lone quote that opens a literal the application's own quote closes. */
  private static boolean loneOpenQuote(SqlTokens f, int i) {
    return f.typeAt(i) == Type.STRING && f.has(i, SqlTokens.OPEN) && f.end[i] - f.start[i] == 1;
  }

  private static boolean expectsOperand(char previous) {
    switch (previous) {
      case Type.END: case Type.OPERATOR: case Type.COMPARE: case Type.LOGIC: case Type.OPEN_PAREN: case Type.COMMA:
      case Type.SEMICOLON: case Type.KEYWORD: case Type.STATEMENT: case Type.UNION: case Type.ORDER_BY:
        return true;
      default:
        return false;
    }
  }

  static boolean isOperand(char t) {
    return t == Type.NUMBER || t == Type.STRING || t == Type.NAME || t == Type.VARIABLE;
  }

  private static boolean isLiteral(char t) {
    return t == Type.NUMBER || t == Type.STRING || t == Type.VARIABLE;
  }

  private static boolean endsPredicate(char t) {
    return t == Type.END || t == Type.COMMENT || t == Type.LOGIC || t == Type.SEMICOLON;
  }

  /**
   * Whether {@code text}, read as it is, ends in a comment that cuts the rest of a query ({@code … 1=1-- -q7Zt},
   * {@code …#}), not in a note ({@code -- see below}).
   */
  static boolean endsInCuttingComment(char[] text, SqlNormalizer.Work work) {
    SqlTokens f = fold(SqlLexer.lex(text, text.length, (char) 0, false));
    int last = f.size - 1;
    boolean cut = last > 0 && f.type[last] == Type.COMMENT && cutsTheRest(f, last);
    work.steps += f.work;
    return cut;
  }

  /** The most severe shape in one context's folded tokens, or null. */
  static Finding judge(SqlTokens f, Context context) {
    boolean quoted = context.quote != 0;
    if (quoted && (f.typeAt(0) != Type.STRING || f.has(0, SqlTokens.OPEN))) {
      return null; // the whole value stays inside the literal
    }
    Finding found = critical(f, context);
    if (found == null) {
      found = anywhere(f, context);
    }
    if (found == null) {
      found = quoted ? afterQuote(f, context) : asIs(f, context);
    }
    return found;
  }

  private static Finding finding(String shape, Severity severity, SqlTokens f, Context context, int at) {
    int position;
    if (at == 0 && context.quote != 0) {
      position = Math.max(0, f.end[0] - 1); // the quote in the value that closes the literal
    } else {
      position = at >= 0 && at < f.size ? Math.max(0, f.start[at]) : 0;
    }
    return new Finding(shape, severity, context, f.fingerprint(FINGERPRINT_LETTERS), position);
  }

  /** Time delays and stacked statements, anywhere in the value. */
  private static Finding critical(SqlTokens f, Context context) {
    for (int i = 0; i < f.size; i++) {
      f.work++;
      if (f.type[i] == Type.FUNCTION && (f.wordHas(i, SqlWord.TIME_DELAY) || f.has(i, SqlTokens.WAITFOR_DELAY))
          && isDelayCall(f, i)) {
        return finding("time", Severity.CRITICAL, f, context, i);
      }
      if (f.type[i] == Type.SEMICOLON && stackedStatement(f, i + 1) >= 0) {
        return finding("stacked", Severity.CRITICAL, f, context, i);
      }
    }
    return null;
  }

  private static boolean isDelayCall(SqlTokens f, int i) {
    if (f.has(i, SqlTokens.WAITFOR_DELAY)) {
      return isLiteral(f.typeAt(i + 1)); // WAITFOR DELAY '0:0:5'
    }
    char first = f.typeAt(i + 2); // after the '('
    if (f.is(i, SqlWord.BENCHMARK)) {
      return hasArgumentSeparator(f, i + 1); // BENCHMARK(count, expression)
    }
    if (f.is(i, SqlWord.SLEEP) || f.is(i, SqlWord.HEAVY)) {
      // sleep(5), sleep((select ...)), sleep(@x); "sleep (lots)" and "sleep(8 hours)" are prose.
      boolean expression = first == Type.NUMBER || first == Type.OPEN_PAREN || first == Type.FUNCTION
          || first == Type.VARIABLE || first == Type.STATEMENT || (first == Type.NAME && f.has(i, SqlTokens.GLUED));
      char second = f.typeAt(i + 3);
      return expression && second != Type.NAME && second != Type.NUMBER;
    }
    return true; // pg_sleep, dbms_lock.sleep, ...: no prose spells them
  }

  private static boolean hasArgumentSeparator(SqlTokens f, int open) {
    return f.commaOf(open) >= 0; // BENCHMARK(count, expression)
  }

  /**
   * The statement that a {@code ;} at {@code from - 1} starts, or -1: directly ({@code ; DROP TABLE t}) or behind a
   * short control-flow head ({@code ; WHILE 1=1 SHUTDOWN}), never behind prose (two words in a row).
   */
  private static int stackedStatement(SqlTokens f, int from) {
    for (int j = from; j < f.size && j < from + STACKED_REACH; j++) {
      f.work++;
      char t = f.type[j];
      if (t == Type.STATEMENT) {
        return isStatement(f, j) || isDeclaration(f, j) ? j : -1;
      }
      if (isLoadInfile(f, j)) {
        return j; // ; LOAD DATA INFILE '…'
      }
      if (t == Type.SEMICOLON || (t == Type.NAME && f.typeAt(j + 1) == Type.NAME)) {
        return -1;
      }
    }
    return -1;
  }

  /** Shapes anywhere in the value, whatever the context: UNION SELECT, subqueries, dangerous or nested calls. */
  private static Finding anywhere(SqlTokens f, Context context) {
    for (int i = 0; i < f.size; i++) {
      f.work++;
      char t = f.type[i];
      if (t == Type.UNION) {
        int j = i + 1;
        while (f.typeAt(j) == Type.OPEN_PAREN) {
          j++;
        }
        char after = f.typeAt(j + 1);
        boolean select = f.is(j, SqlWord.SELECT) && (isSelect(f, j) || after == Type.END
            || after == Type.COMMENT || after == Type.OPERATOR || f.blockComment // UN/**/ION, /*!SELECT*/
            || (isLiteral(after) && f.typeAt(j + 2) == Type.NAME && endsPredicate(f.typeAt(j + 3))) // NULL alias
            || (after == Type.NAME && f.is(j + 2, SqlWord.AS) && f.typeAt(j + 3) == Type.NAME // email AS n, … FROM
            && f.typeAt(j + 4) == Type.COMMA && hasWithin(f, j + 5, UNION_LIST_REACH, SqlWord.FROM))
            || (j > i + 1 && isLiteral(after) && f.typeAt(j + 2) == Type.CLOSE_PAREN // UNION (SELECT 1)--
            && (endsPredicate(f.typeAt(j + 3)) || f.typeAt(j + 3) == Type.UNION))
            || hasSqlColumnSoon(f, j + 1)); // UNION SELECT @<@,version(), UNION SELECT 1 1$,@@VERSION
        if (select || (f.is(j, SqlWord.VALUES) && after == Type.OPEN_PAREN)) {
          return finding("union", Severity.HIGH, f, context, i);
        }
      } else if (t == Type.OPEN_PAREN && f.is(i + 1, SqlWord.SELECT) && isSelect(f, i + 1)) {
        return finding("subquery", Severity.HIGH, f, context, i);
      } else if ((f.wordHas(i, SqlWord.DANGER) && (t == Type.FUNCTION || f.word[i] == SqlWord.DANGER_NAME
          || (f.word[i] == SqlWord.DANGER_FUNCTION && f.spans(i, '.')))) // utl_http.request, as utl_http alone
          || f.has(i, SqlTokens.INTO_FILE)) {
        return finding("dangerous-function", Severity.HIGH, f, context, i);
      } else if (f.word[i] == SqlWord.DELAY_FUNCTION) {
        return finding("dangerous-function", Severity.HIGH, f, context, i); // pg_sleep named, not called
      } else if (t == Type.FUNCTION && f.wordHas(i, SqlWord.SQL_FUNCTION) && hasSqlCallInside(f, i + 1)) {
        return finding("nested-call", Severity.HIGH, f, context, i); // ascii(substring(...)), length(version())
      } else if (t == Type.KEYWORD && f.word[i] == SqlWord.CASE && f.is(i + 1, SqlWord.WHEN)
          && (isLiteralComparison(f, i + 2) || isSubqueryComparison(f, i + 2))) {
        return finding("boolean", Severity.HIGH, f, context, i); // CASE WHEN 4518=5617 THEN ...
      } else if (t == Type.FUNCTION && f.typeAt(i + 1) == Type.OPEN_PAREN && isLiteralComparison(f, i + 2)
          && argumentEnds(f.typeAt(comparisonEnd(f, i + 2)))) {
        return finding("boolean", Severity.HIGH, f, context, i); // ELT(1=1,…), MAKE_SET(2=3,…), IIF(4=4,1,1/0)
      } else if (t == Type.OPEN_PAREN && f.typeAt(i - 1) != Type.OPEN_PAREN // once per run of '(': linear
          && isLiteralComparison(f, i + 1) && f.typeAt(comparisonEnd(f, i + 1))
          == Type.CLOSE_PAREN && f.typeAt(comparisonEnd(f, i + 1) + 1) == Type.OPERATOR) {
        return finding("boolean", Severity.HIGH, f, context, i); // (5=5)*7: a test turned into a number
      } else if (i > 0 && (isOperand(f.type[i - 1]) || f.type[i - 1] == Type.SEMICOLON) && isProbeComparison(f, i)) {
        return finding("boolean", Severity.HIGH, f, context, i); // 2011020120 char(97)>=char(98)-- -q7Zt, 1;1=2-- -
      } else if (t == Type.LOGIC && i > 0 && (isOperand(f.type[i - 1]) || f.type[i - 1] == Type.CLOSE_PAREN)
          && predicate(f, i + 1) == STRONG && (isLiteralComparison(f, i + 1) || isLiteralComparedWithCall(f, i + 1))) {
        return finding("boolean", Severity.HIGH, f, context, i); // ... AND 1=1, ... OR 'a'='a', AND 'x'=f(…)
      } else if (t == Type.LOGIC && i > 0 && isLiteralComparison(f, i + 1) && isCutAt(f, comparisonEnd(f, i + 1))) {
        return finding("boolean", Severity.HIGH, f, context, i); // 1 or \\.<\\ or 1=1 -- 1: a tautology, then cut
      }
    }
    return null;
  }

  /** A subquery compared with a literal at {@code j}: {@code (SELECT 1)=1}, as CASE WHEN tests it in an ORDER BY. */
  private static boolean isSubqueryComparison(SqlTokens f, int j) {
    if (f.typeAt(j) != Type.OPEN_PAREN || !f.is(j + 1, SqlWord.SELECT)) {
      return false;
    }
    int close = f.closeOf(j);
    return close > 0 && f.typeAt(close + 1) == Type.COMPARE && f.op[close + 1] != 'w'
        && isLiteral(f.typeAt(close + 2));
  }

  /** Whether the value ends at {@code k} with a comment that is no sentence: {@code -- 1}, not {@code -- see below}. */
  private static boolean isCutAt(SqlTokens f, int k) {
    return k == f.size - 1 && f.typeAt(k) == Type.COMMENT && !proseComment(f);
  }

  /**
   * Whether a comparison of two SQL operands (literals or calls of functions SQL has, touching their parenthesis)
   * starts at {@code i} and the value then ends in a comment that cuts the rest: a scanner's true/false probe after its
   * prefix ({@code 2011020120 char(97)>=char(98)-- -q7Zt}, {@code 1;'a'='b'-- -}). No sentence compares two
   * {@code char()} calls and comments out the rest.
   */
  private static boolean isProbeComparison(SqlTokens f, int i) {
    int left = sqlOperandEnd(f, i);
    if (left < 0 || f.typeAt(left) != Type.COMPARE || f.op[left] == 'w') {
      return false;
    }
    int right = sqlOperandEnd(f, left + 1);
    return right == f.size - 1 && f.typeAt(right) == Type.COMMENT && cutsTheRest(f, right)
        && (f.typeAt(i) == Type.FUNCTION || f.typeAt(left + 1) == Type.FUNCTION || f.typeAt(i - 1) != Type.NAME);
  }

  /** The index after a literal or a glued call of a function SQL has at {@code k}, or -1. */
  private static int sqlOperandEnd(SqlTokens f, int k) {
    if (isLiteral(f.typeAt(k))) {
      return k + 1;
    }
    if (f.typeAt(k) == Type.FUNCTION && f.has(k, SqlTokens.GLUED) && f.wordHas(k, SqlWord.SQL_FUNCTION)) {
      int close = f.closeOf(k + 1);
      return close < 0 ? -1 : close + 1;
    }
    return -1;
  }

  /** Whether the argument list opening at {@code open} calls a known SQL function or holds a subquery. */
  private static boolean hasSqlCallInside(SqlTokens f, int open) {
    return f.sqlInside(open);
  }

  /** A literal compared with a call: {@code 'abc'=REGEXP_SUBSTRING(…)}, {@code 5=CTXSYS.DRITHSX.SN(…)}. */
  private static boolean isLiteralComparedWithCall(SqlTokens f, int j) {
    int k = j;
    while (f.typeAt(k) == Type.OPEN_PAREN) {
      k++;
    }
    return isLiteral(f.typeAt(k)) && f.typeAt(k + 1) == Type.COMPARE && f.op[k + 1] != 'w'
        && f.typeAt(k + 2) == Type.FUNCTION && f.has(k + 2, SqlTokens.GLUED);
  }

  /** Index just past a literal comparison that {@link #isLiteralComparison} accepted at {@code j}. */
  private static int comparisonEnd(SqlTokens f, int j) {
    int k = j;
    int open = 0;
    while (f.typeAt(k) == Type.OPEN_PAREN) {
      k++;
      open++;
    }
    if (f.is(k, SqlWord.TRUE)) {
      return k + 1;
    }
    k++;
    while (f.typeAt(k) == Type.CLOSE_PAREN) {
      k++;
      open--;
    }
    k++;
    while (f.typeAt(k) == Type.OPEN_PAREN) {
      k++;
      open++;
    }
    k++;
    for (; open > 0 && f.typeAt(k) == Type.CLOSE_PAREN; open--) {
      k++; // the comparison's own parentheses, never the call's: (1)=(1) closes what it opened
    }
    return k;
  }

  private static boolean argumentEnds(char t) {
    return t == Type.COMMA || t == Type.CLOSE_PAREN;
  }

  /** The predicate at {@code j} compares two literals: {@code 1=1}, {@code (1)=(1)}, {@code 'a'='a'}. */
  private static boolean isLiteralComparison(SqlTokens f, int j) {
    int k = j;
    while (f.typeAt(k) == Type.OPEN_PAREN) {
      k++;
    }
    if (!isLiteral(f.typeAt(k))) {
      return f.is(k, SqlWord.TRUE);
    }
    k++;
    while (f.typeAt(k) == Type.CLOSE_PAREN) {
      k++;
    }
    if (f.typeAt(k) != Type.COMPARE) {
      return false;
    }
    k++;
    while (f.typeAt(k) == Type.OPEN_PAREN) {
      k++;
    }
    return isLiteral(f.typeAt(k));
  }

  private static Finding afterQuote(SqlTokens f, Context context) {
    int p = 1;
    while (f.typeAt(p) == Type.CLOSE_PAREN) {
      p++;
    }
    char t = f.typeAt(p);
    if (t == Type.LOGIC && predicate(f, p + 1) >= (f.has(0, SqlTokens.SPACED) ? WORDY
        : quotedWord(f, p) ? WEAK : LITERAL)) {
      return finding("boolean", Severity.HIGH, f, context, 0); // prose before the quote needs more than ' or 'x
    }
    // SQL Server runs a batch without ';': ' insert …, ' exec …, 'create user …, ' IF (…) SELECT … ELSE …. Not after
    // prose (He said 'select * from t' is bad), nor when the quote follows name( or name=, where code opens a string
    // (execute("select …")) rather than closes one.
    int statement = statementAfter(f, p);
    boolean call = f.has(0, SqlTokens.QUOTE_OPENS) && !f.has(0, SqlTokens.LOOSE);
    if (statement >= 0 && !call && !f.has(0, SqlTokens.SPACED) && !quotedWord(f, statement)
        && (isUnmistakableStatement(f, statement) || (!f.has(0, SqlTokens.LOOSE) && !quotation(f)))) {
      return finding("stacked", Severity.CRITICAL, f, context, statement);
    }
    int c = f.is(p, SqlWord.AS) && f.typeAt(p + 1) == Type.NAME ? p + 2 : p; // ') AS x WHERE …
    if ((f.is(c, SqlWord.CLAUSE) || f.is(c, SqlWord.WHERE)) && predicate(f, c + 1) >= WEAK) {
      return finding("clause", Severity.HIGH, f, context, 0); // ' having 1=1, `) WHERE 1=2 …
    }
    if (t == Type.COMPARE && !f.has(0, SqlTokens.FOLDED_NAME) && endsPredicate(f.typeAt(p + 2))
        && !f.has(0, SqlTokens.SPACED)) {
      // x'='x, '&1='x, 'glob 1; -- a word comparison ("LIKE" stamp) only against a number or variable. Not after
      // prose: "press the '=' key" puts words before the quote, an injection a single token (admin, 1, x).
      char right = f.typeAt(p + 1);
      if (f.op[p] != 'w' ? isLiteral(right) : right == Type.NUMBER || right == Type.VARIABLE
          || (loneOpenQuote(f, p + 1) && !f.has(0, SqlTokens.LOOSE) && !f.has(0, SqlTokens.QUOTE_OPENS))) {
        return finding("comparison", Severity.HIGH, f, context, 0); // also 'LIKE': the application's quote closes it
      }
    }
    if (t == Type.END && (f.has(0, SqlTokens.OPEN_TAIL) || f.has(0, SqlTokens.BITWISE_TAIL))
        && !f.has(0, SqlTokens.FOLDED_NAME) && !f.has(0, SqlTokens.LOOSE) && !f.has(0, SqlTokens.QUOTE_OPENS)) {
      // '-', '&', '^', x'*1*', '+0+': the closing quote, an operator, and a new literal the application's quote
      // closes. MySQL reads both sides as numbers ('' - '' is 0), so name = '' - '' matches every non-numeric name.
      // With | or ^ the new literal may hold a word (A' | 'B): no measurement (6'-7') or prose puts one there.
      return finding("expression", Severity.HIGH, f, context, 0);
    }
    if (t == Type.STRING && p == 1 && (loneOpenQuote(f, 1) || (f.end[0] == 1 && openWord(f, 1)))
        && f.op[1] == f.op[0] && f.typeAt(2) == Type.END
        && f.start[1] > f.end[0] && !f.has(0, SqlTokens.FOLDED) && !f.has(0, SqlTokens.LOOSE)
        && !f.has(0, SqlTokens.QUOTE_OPENS)) {
      // ' ', admin' ', ' 'DERP: the closing quote, whitespace, and a literal (empty, or one word when the quote opens
      // the value) the application's quote closes: adjacent literals
      // concatenate ('admin' '' is 'admin'), the probe that a quote reaches the query unescaped. Only a single token
      // or nothing before the quote, nothing after the second: ' '.join(x), don' 't and "a" "b" pass.
      return finding("expression", Severity.HIGH, f, context, 0);
    }
    if ((t == Type.OPERATOR || (t == Type.COMPARE && f.op[p] != 'w')) && ((f.typeAt(p + 1) == Type.FUNCTION
        && (f.wordHas(p + 1, SqlWord.SQL_FUNCTION) || (!f.has(0, SqlTokens.LOOSE) && !wordsAfterCall(f, p + 1))))
        || (f.typeAt(p + 1) == Type.OPEN_PAREN && f.is(p + 2, SqlWord.SELECT)))) {
      // '+ascii(...)+', '-(select ...)-'; an unknown function only when no prose follows its call: y' = f(t,y,p) with
      // sensitivity analysis is a derivative in a sentence
      return finding("expression", Severity.HIGH, f, context, 0);
    }
    if (((t == Type.COMPARE && f.op[p] == 'w') || f.is(p, SqlWord.PATTERN)) && f.typeAt(p + 1) == Type.OPEN_PAREN
        && f.is(p + 2, SqlWord.SELECT)
        && (isSelect(f, p + 2) || (isLiteral(f.typeAt(p + 3)) && f.typeAt(p + 4) == Type.CLOSE_PAREN))) {
      return finding("comparison", Severity.HIGH, f, context, 0); // ' LIKE (SELECT 1)--, ' RLIKE (SELECT …)
    }
    if (t == Type.COMPARE && isRegexWord(f, p) && f.typeAt(p + 1) == Type.STRING && f.has(p + 1, SqlTokens.OPEN)
        && p + 2 == f.size && !f.spans(p + 1, ' ') && f.end[p + 1] - f.start[p + 1] <= REGEX_LITERAL
        && !f.has(0, SqlTokens.FOLDED_NAME) && !f.has(0, SqlTokens.SPACED) && !f.has(0, SqlTokens.QUOTE_OPENS)) {
      // 1' RLIKE '.*, x' REGEXP '^a: MySQL's pattern match against a literal the application's quote closes.
      // Only the words no prose uses: "it's like 'that" and "sounds like 'x" are English
      return finding("comparison", Severity.HIGH, f, context, 0);
    }
    int last = f.size - 1;
    if (t == Type.LOGIC && f.op[p] == '|' && last > p + 1 && f.type[last] == Type.STRING && f.has(last, SqlTokens.OPEN)
        && f.typeAt(last - 1) == Type.LOGIC && f.op[last - 1] == '|' && !f.has(0, SqlTokens.SPACED)) {
      return finding("expression", Severity.HIGH, f, context, 0); // ' || … || ': concatenation the quote completes
    }
    if (isLimitInjection(f, p)) {
      return finding("clause", Severity.HIGH, f, context, 0); // ' LIMIT 1,1 INTO @,@,@--
    }
    if (isValuesContinuation(f, 1, !f.has(0, SqlTokens.SPACED) && !f.has(0, SqlTokens.LOOSE)
        && !f.has(0, SqlTokens.QUOTE_OPENS))) {
      return finding("insert", Severity.HIGH, f, context, 0); // x', 'admin')-- -, '), ('evil', 1)#
    }
    if (!f.has(0, SqlTokens.SPACED) && !f.has(0, SqlTokens.LOOSE) && !f.has(0, SqlTokens.QUOTE_OPENS)
        && isSetContinuation(f, 1, true)) {
      return finding("update", Severity.HIGH, f, context, 0); // x', role='admin'-- -, x', is_admin=1 WHERE …
    }
    if (t == Type.OPEN_PAREN && isOpenTopSelect(f, p)) {
      return finding("statement", Severity.HIGH, f, context, 0); // ' (select top 1
    }
    if (t == Type.ORDER_BY && isOrderByInjection(f, p)) {
      return finding("order-by", Severity.HIGH, f, context, 0);
    }
    if (isCommentTerminated(f, p)) {
      return finding("comment", Severity.HIGH, f, context, 0);
    }
    if (isQuotedExpression(f, context)) {
      return finding("expression", Severity.HIGH, f, context, 0);
    }
    return null;
  }

  /** How far into a UNION's select list {@link #hasSqlColumnSoon} looks for a column SQL alone writes. */
  private static final int UNION_COLUMN_REACH = 6;

  /**
   * Whether, within a few tokens of {@code from}, a comma is followed by a column only SQL writes: a call of a function
   * SQL has, touching its parenthesis ({@code version()}), or a system variable ({@code @@VERSION}). Whatever stands
   * before the comma (the odd tokens that make another detector's fingerprint miss), the list is a select list.
   */
  private static boolean hasSqlColumnSoon(SqlTokens f, int from) {
    for (int k = from; k < f.size && k < from + UNION_COLUMN_REACH; k++) {
      f.work++;
      if (f.type[k] == Type.COMMA) {
        int c = k + 1;
        return (f.typeAt(c) == Type.FUNCTION && f.has(c, SqlTokens.GLUED) && f.wordHas(c, SqlWord.SQL_FUNCTION))
            || (f.typeAt(c) == Type.VARIABLE && f.startsWith(c, "@@"));
      }
    }
    return false;
  }

  /** How far an aliased UNION select list ({@code email AS n, NULL, …}) may run before its FROM. */
  private static final int UNION_LIST_REACH = 24;

  /** The longest literal (with its opening quote) {@code ' RLIKE '…} may leave open: a pattern, not a text. */
  private static final int REGEX_LITERAL = 33;

  /** MySQL's {@code RLIKE} and {@code REGEXP}, PostgreSQL's {@code ILIKE}: pattern words English does not use. */
  private static boolean isRegexWord(SqlTokens f, int k) {
    return f.is(k, SqlWord.PATTERN) && (f.spells(k, "rlike") || f.spells(k, "regexp") || f.spells(k, "ilike"));
  }

  /** The most names {@link #isQuotedExpression} lets between its two quotes: a column, never a phrase. */
  private static final int EXPRESSION_NAMES = 1;
  /** The longest word the new literal of {@link #isQuotedExpression} may hold. */
  private static final int EXPRESSION_TAIL = 24;

  /**
   * Whether the value closes the application's literal, builds an expression on it and opens a new literal that the
   * application's own quote closes: {@code aa'like-'aa}, {@code 1'*column is \N - '1}, {@code ' is 99999 = '},
   * {@code aa' / current_date != '1}, and such an expression before OR: {@code aa' LIKE md5(1) or '1}. MySQL converts
   * the strings to numbers and evaluates the rest, so the query's condition becomes the value's expression (PHPIDS's
   * test vectors, from the sla.ckers.org contests on MySQL's grammar).
   *
   * <p>Read on the tokens before folding, which merges arithmetic into one operand. Between the two quotes only
   * operators, comparisons, AND/OR, numbers, variables, MySQL's {@code \N}, calls, parentheses, subqueries, quoted
   * literals of one word ({@code '^', '==', '<'} is a list in code) and at most one name, every operand next to an
   * operator (words side by side are prose); at least two operators or comparisons, not all of them slashes, or one
   * pattern comparison touching both quotes after a token ({@code aa'LIKE'0}, not {@code Ch'in's} nor
   * {@code "LIKE" STAMP}); before the first quote one token, nothing between it and the quote; the new literal one
   * word or empty. {@code Jones' & Smith's} (one operator), {@code don't - won't} (a word after the quote),
   * {@code 'width:' + w + 'px} (a blank before the quote), {@code f' = -g'} (a sign on a name), {@code "<input>"}
   * (markup) and {@code "/unit/"} (a path's slashes) pass.
   */
  private static boolean isQuotedExpression(SqlTokens folded, Context context) {
    char[] text = folded.text;
    char quote = context.quote;
    if (text == null || folded.has(0, SqlTokens.SPACED) || folded.has(0, SqlTokens.QUOTE_OPENS)) {
      return false;
    }
    if (!mayBeQuotedExpression(folded, text, quote)) {
      return false; // O'Brien, it's John's: decided on the text, before reading it again
    }
    SqlTokens r = SqlLexer.lex(text, text.length, quote, context.backslash);
    folded.work += r.work;
    int last = r.size - 1;
    if (last < 2 || r.type[0] != Type.STRING || r.has(0, SqlTokens.OPEN) || r.type[last] != Type.STRING
        || !r.has(last, SqlTokens.OPEN) || r.op[last] != quote || !holdsOneWord(r, last, 0)) {
      return false;
    }
    int closing = r.end[0] - 1; // the value's first quote
    if (closing > 0 && text[closing - 1] <= ' ') {
      return false; // Hello ' + name + '!: a blank before the quote opens a string in code and prose
    }
    int signals = 0;
    int slashes = 0; // "/unit/", '/tmp/': a path's slashes are no arithmetic
    int names = 0;
    int depth = 0;
    boolean operand = false; // whether an operand is expected next (the first literal is one)
    boolean call = false; // whether the last token was a function's name
    for (int i = 1; i < last; i++) {
      r.work++;
      char t = r.type[i];
      if (t == Type.FUNCTION && r.word[i] != null && r.word[i].type != Type.NAME) {
        t = r.word[i].type; // rlike(0), or(1): the operator a parenthesis follows
      }
      if (call && t != Type.OPEN_PAREN) {
        return false;
      }
      if (t == Type.OPERATOR) {
        boolean unary = operand;
        if (unary && "+-!~".indexOf(r.op[i]) < 0) {
          return false;
        }
        if (!unary || r.op[i] == '!' || r.op[i] == '~' || signsALiteral(r, i + 1, last)) {
          signals++; // f' = -g': a sign on a name is algebra's
          slashes += r.op[i] == '/' ? 1 : 0;
        }
        operand = true;
      } else if (t == Type.COMPARE) {
        if (operand && !(r.typeAt(i - 1) == Type.COMPARE && r.word[i - 1] == SqlWord.SOUNDS)) {
          return false;
        }
        if (r.op[i] == '<' && r.end[i] - r.start[i] == 1 && r.start[i + 1] == r.end[i]
            && (r.type[i + 1] == Type.NAME || r.op[i + 1] == '/')) {
          return false; // '<input>', "<br/>": markup and placeholders, not a comparison
        }
        if (!operand) {
          signals++; // SOUNDS LIKE counts once
        }
        operand = true;
      } else if (t == Type.NOT) {
        if (!operand && !(r.typeAt(i - 1) == Type.COMPARE && r.word[i - 1] == SqlWord.IS)) {
          return false;
        }
        operand = true; // NOT x, IS NOT x
      } else if (t == Type.LOGIC) {
        if (operand) {
          return false;
        }
        operand = true;
      } else if (t == Type.OPEN_PAREN) {
        if (!operand) {
          return false;
        }
        if (r.word[i + 1] == SqlWord.SELECT) {
          int close = closingParen(r, i, last);
          if (close < 0) {
            return false;
          }
          i = close; // sounds like(select …): a subquery is an operand
          signals += 2;
          operand = false;
          call = false;
          continue;
        }
        depth++;
        signals += call ? 0 : 1; // (3), -(0): a parenthesised operand
        call = false;
      } else if (t == Type.CLOSE_PAREN) {
        if (--depth < 0 || (operand && r.typeAt(i - 1) != Type.OPEN_PAREN)) {
          return false;
        }
        operand = false;
      } else if (t == Type.COMMA) {
        if (depth == 0 || operand) {
          return false;
        }
        operand = true;
      } else {
        if (!operand) {
          return false; // two operands side by side: words, not an expression
        }
        if (t == Type.OTHER && (r.op[i] == '\\' || r.op[i] == '@') && i + 1 < last && r.start[i + 1] == r.end[i]
            && (r.type[i + 1] == Type.NAME || r.type[i + 1] == Type.NUMBER)
            && (r.op[i] == '@' || r.spells(i + 1, "n"))) {
          i++; // MySQL's \N (NULL) and a variable @1
          signals++;
        } else if (t == Type.VARIABLE) {
          signals++;
        } else if (t == Type.FUNCTION) {
          signals += r.wordHas(i, SqlWord.SQL_FUNCTION) ? 1 : 0;
          call = true;
          continue; // its parenthesis follows
        } else if (t == Type.NAME) {
          if (++names > EXPRESSION_NAMES) {
            return false;
          }
        } else if (t != Type.NUMBER && !(t == Type.STRING && !r.has(i, SqlTokens.OPEN) && holdsOneWord(r, i, 1))) {
          return false; // X' = 'X' = 0 = '1, not '^', '==', '<': a list of quoted symbols in code
        }
        operand = false;
      }
    }
    if (!operand || depth != 0 || call) {
      return false;
    }
    if (signals >= 2) {
      return slashes < signals;
    }
    // aa'LIKE'0, not Ch'in's nor a quoted word: "LIKE" STAMP
    return signals == 1 && last == 2 && r.word[1] == SqlWord.PATTERN && r.start[1] == r.end[0]
        && r.end[1] == r.start[2] && closing > 0;
  }

  /**
   * The text's own test before {@link #isQuotedExpression} reads it again: a second quote whose literal runs to the
   * end and holds one word or nothing, and after the first quote an operator's character or a comparison or logic
   * word. Allocates nothing.
   */
  private static boolean mayBeQuotedExpression(SqlTokens folded, char[] text, char quote) {
    int n = text.length;
    int last = n - 1;
    while (last >= 0 && text[last] != quote && n - last <= EXPRESSION_TAIL + 8) {
      folded.work++;
      last--;
    }
    if (last < 0 || text[last] != quote) {
      return false; // prose ends in more than a word after its last quote
    }
    int first = 0;
    while (first < last && text[first] != quote) {
      folded.work++;
      first++;
    }
    if (first >= last) {
      return false; // one quote
    }
    if (text[first + 1] == quote || (first > 0 && text[first - 1] == '\\')) {
      return true; // a doubled or escaped quote: the lexer decides where the literal ends
    }
    int k = first + 1;
    while (k < last && text[k] <= ' ') {
      folded.work++;
      k++;
    }
    char c = text[k];
    if ("+-*/%^|&!~=<>(".indexOf(c) >= 0) {
      return true;
    }
    int e = k;
    while (e < last && SqlLexer.isWordPart(text[e])) {
      folded.work++;
      e++;
    }
    SqlWord w = e > k ? SqlWord.lookup(text, k, e) : null;
    return w != null && (w.type == Type.COMPARE || w.type == Type.LOGIC || w.type == Type.OPERATOR);
  }

  /**
   * Whether the literal after the AND/OR at {@code p} carries signs no sentence writes: a {@code ~} or {@code !}
   * touching the word ({@code OR~1}, {@code AND!0}), or two signs or more ({@code AND -+--+~0}). {@code 1 or -2} and
   * {@code 2 and ~3 hours} pass.
   */
  private static boolean isSignedOperand(SqlTokens f, int p) {
    if (f.text == null) {
      return false;
    }
    int from = f.end[p];
    int to = Math.min(f.start[p + 1], f.text.length);
    if (from < to && (f.text[from] == '~' || f.text[from] == '!')) {
      return true;
    }
    int signs = 0;
    for (int i = from; i < to; i++) {
      f.work++;
      char c = f.text[i];
      if (c == '+' || c == '-' || c == '~' || c == '!') {
        signs++;
      } else if (c > ' ') {
        return false;
      }
    }
    return signs >= 2;
  }

  /** The index of the parenthesis that closes the one at {@code open}, before {@code last}; -1 when none does. */
  private static int closingParen(SqlTokens r, int open, int last) {
    int depth = 0;
    for (int j = open; j < last; j++) {
      r.work++;
      if (r.type[j] == Type.OPEN_PAREN) {
        depth++;
      } else if (r.type[j] == Type.CLOSE_PAREN && --depth == 0) {
        return j;
      }
    }
    return -1;
  }

  /** Whether the unary sign at {@code i - 1} applies to a number, a parenthesis or the new literal at {@code last}. */
  private static boolean signsALiteral(SqlTokens r, int i, int last) {
    char t = r.typeAt(i);
    return i == last || t == Type.NUMBER || t == Type.OPEN_PAREN || t == Type.OPERATOR;
  }

  /**
   * Whether the literal at {@code i} holds one word, a variable's name or nothing, blanks around it; {@code closing}
   * is 1 for a literal its own quote closes, 0 for the open one at the end.
   */
  private static boolean holdsOneWord(SqlTokens r, int i, int closing) {
    char[] text = r.text;
    int from = r.start[i] + 1;
    int to = Math.min(r.end[i] - closing, text.length);
    while (from < to && text[from] <= ' ') {
      r.work++;
      from++;
    }
    while (to > from && text[to - 1] <= ' ') {
      r.work++;
      to--;
    }
    if (from < to && text[from] == '@') {
      from++;
    }
    if (to - from > EXPRESSION_TAIL) {
      return false;
    }
    for (int k = from; k < to; k++) {
      r.work++;
      if (!SqlLexer.isWordPart(text[k])) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the {@code --} comment at {@code c} is MySQL's {@code -- -} (blanks, then a dash that keeps the blank from
   * being trimmed), alone or with one short tag holding a letter ({@code -- -q7Zt}): no sentence is written so.
   */
  private static boolean isDashIdiom(SqlTokens f, int c) {
    if (f.op[c] != '-' || f.text == null) {
      return false;
    }
    int k = f.start[c] + 2;
    int blanks = 0;
    while (k < f.end[c] && f.text[k] <= ' ') {
      f.work++;
      k++;
      blanks++;
    }
    if (blanks == 0 || k >= f.end[c] || f.text[k] != '-') {
      return false;
    }
    k++;
    int tag = 0;
    boolean letter = false;
    while (k < f.end[c] && SqlLexer.isWordPart(f.text[k])) {
      f.work++;
      letter |= Character.isLetter(f.text[k]);
      k++;
      tag++;
    }
    return k == f.end[c] && (tag == 0 || (letter && tag <= 8));
  }

  /** Whether the {@code --} comment at {@code c} is a blank and then one short tag, a scanner's marker ({@code -- z}). */
  private static boolean commentTag(SqlTokens f, int c) {
    int k = f.start[c] + 2;
    if (k >= f.end[c] || f.text[k] > ' ') {
      return false;
    }
    while (k < f.end[c] && f.text[k] <= ' ') {
      k++;
    }
    int tag = 0;
    while (k < f.end[c] && SqlLexer.isWordPart(f.text[k])) {
      f.work++;
      k++;
      tag++;
    }
    return tag > 0 && tag <= 8 && k == f.end[c];
  }

  /** Whether two words in a row follow the call at {@code call} (its parenthesis closed or not): a sentence goes on. */
  private static boolean wordsAfterCall(SqlTokens f, int call) {
    int close = f.closeOf(call + 1);
    int from = close >= 0 ? close + 1 : call + 2;
    for (int j = from; j < f.size - 1 && j < from + 16; j++) {
      f.work++;
      if (f.type[j] == Type.NAME && f.type[j + 1] == Type.NAME) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the word at {@code p} sits between the quote that ends the context's literal and another, touching
   * both, after whitespace or at the start of the value: {@code Use 'OR' to combine filters}, {@code "Exec"
   * summary attached}, a word quoted in text, when words follow the next quote. {@code admin' or 'x} has a word
   * glued before its quote, {@code 'or'1=1} no word after; a symbol ({@code '||'6}) is not a word.
   */
  private static boolean quotedWord(SqlTokens f, int p) {
    return p == 1 && (f.has(0, SqlTokens.QUOTE_OPENS) || f.end[0] == 1) && f.start[1] == f.end[0]
        && f.text != null && Character.isLetter(f.text[f.start[1]]) && f.typeAt(2) == Type.STRING
        && f.start[2] == f.end[1] && spacedWord(f, 2);
  }

  /** Whether token {@code i} holds whitespace followed by a word of two letters or more. */
  private static boolean spacedWord(SqlTokens f, int i) {
    for (int k = f.start[i]; k + 2 < f.end[i] && k + 2 < f.text.length; k++) {
      f.work++;
      if (f.text[k] <= ' ' && Character.isLetter(f.text[k + 1]) && Character.isLetter(f.text[k + 2])) {
        return true;
      }
    }
    return false;
  }

  /**
   * SQL Server's declarations of a name rather than an {@code @variable}, which only a stacked statement reads as
   * SQL ("declare a char array" is a search): a cursor ({@code ; DECLARE c CURSOR FOR SELECT …}) or a variable of a
   * type, sized ({@code ; DECLARE name varchar(42)}) or ended ({@code ; DECLARE n int;}).
   */
  private static boolean isDeclaration(SqlTokens f, int j) {
    if (!f.is(j, SqlWord.DECLARE) || f.typeAt(j + 1) != Type.NAME || isDeterminer(f, j + 1)) {
      return false; // "open it; declare a cursor for the query" is an instruction
    }
    int k = j + 2;
    if (f.spells(k, "cursor")) { // CURSOR [LOCAL] [FAST_FORWARD] … FOR
      for (int m = k + 1; m < f.size && m <= k + 4; m++) {
        f.work++;
        if (f.spells(m, "for")) {
          return true;
        }
      }
      return false;
    }
    if (f.typeAt(k) == Type.FUNCTION && (f.spells(k, "varchar") || f.spells(k, "nvarchar") || f.spells(k, "char")
        || f.spells(k, "nchar") || f.spells(k, "varbinary") || f.spells(k, "decimal"))) {
      return f.typeAt(k + 2) == Type.NUMBER || f.spells(k + 2, "max"); // varchar(42), nvarchar(max)
    }
    return (f.spells(k, "int") || f.spells(k, "bigint") || f.spells(k, "sysname") || f.spells(k, "datetime"))
        && (f.typeAt(k + 1) == Type.SEMICOLON || f.typeAt(k + 1) == Type.COMPARE || f.typeAt(k + 1) == Type.COMMA
        || endsPredicate(f.typeAt(k + 1)));
  }

  /**
   * Whether the value reads as a quotation: the literal the application's quote closes is left open by the
   * context's own quote and holds whitespace, words that go on after the quoted phrase ({@code "Delete from cart"
   * doesn't work}), where an injection's reopened literal holds a value ({@code ' … WHERE 'a'='a}).
   */
  private static boolean quotation(SqlTokens f) {
    int last = f.size - 1;
    if (last < 1 || f.type[last] != Type.STRING || !f.has(last, SqlTokens.OPEN) || f.op[last] != f.op[0]) {
      return false;
    }
    return f.spans(last, ' ');
  }

  /**
   * The statement that starts at {@code p} right after a closing context, or -1: a verb followed by its statement's
   * shape, or {@code IF (…)} followed by one.
   */
  private static int statementAfter(SqlTokens f, int p) {
    if (f.typeAt(p) == Type.STATEMENT) {
      return isStatement(f, p) ? p : -1;
    }
    if (f.typeAt(p) == Type.FUNCTION && f.spells(p, "if")) {
      int j = f.closeOf(p + 1);
      return j >= 0 && f.typeAt(j + 1) == Type.STATEMENT && isStatement(f, j + 1) ? j + 1 : -1;
    }
    return -1;
  }

  private static boolean isOrderByInjection(SqlTokens f, int p) {
    char next = f.typeAt(p + 1);
    char after = f.typeAt(p + 2);
    if (next == Type.NUMBER) {
      return after == Type.END || after == Type.COMMENT || after == Type.COMMA || after == Type.SEMICOLON
          || after == Type.CLOSE_PAREN || after == Type.LOGIC || (after == Type.STRING && f.has(p + 2, SqlTokens.OPEN));
    }
    return next == Type.NAME && (after == Type.COMMENT || after == Type.SEMICOLON || after == Type.COMMA
        || f.is(p + 2, SqlWord.CLAUSE));
  }

  /**
   * After a closing quote (and any closing parentheses), the value ends the query with a comment, directly or
   * after a short run of SQL: {@code admin'--}, {@code x'|email--}, {@code ' is not?--}. The run must start with
   * SQL, not a word: the tail of a name or a contraction ({@code O'Brien #1}, {@code Don't -- really}) starts with
   * a word.
   *
   * <p>When words stand before the quote (prose, a search), three more readings are text rather than SQL: a
   * {@code #} that a letter or digit follows (a number sign or a hashtag), a comment that holds the quote again
   * ({@code the '--with-x' option}), and a list of {@code -word}s (search exclusions). They never apply after a
   * single token, so {@code admin'#x}, {@code admin'#'} and {@code admin'-a-b--} stay injections.
   */
  private static boolean isCommentTerminated(SqlTokens f, int p) {
    char t = f.typeAt(p);
    int last = f.size - 1;
    boolean prose = f.has(0, SqlTokens.SPACED);
    if (t == Type.COMMENT) {
      boolean glued = f.end[p] > f.start[p] + 2 && Character.isLetter(f.text[f.start[p] + 2]); // '--no-cache
      boolean opens = f.has(0, SqlTokens.QUOTE_OPENS);
      if ((f.has(p, SqlTokens.QUOTED_OPTION) && (opens || f.start[0] == f.end[0] - 1))
          || (glued && f.op[p] == '-' && opens)) {
        // the quote opens a quoted option or tag, it does not close a literal: if "--no-cache" in opts, "#2 MOM",
        // options='--revision --force', compgen -W '--private
        return false;
      }
      if (prose && f.holdsText(p)) {
        return false; // prose, then text after the comment mark: pantyhose" -- James Finke; tr' -- "$cur")); info' -- \
      }
      if (prose && opens && f.op[p] == '-' && f.end[p] - f.start[p] == 3 && f.text[f.start[p] + 2] == f.op[0]) {
        return false; // prose, then a quoted "--" (Complete defaults following a "--"): the quote opens it
      }
      return !(prose && (f.has(0, SqlTokens.WORD_CHAIN) || isHashtag(f, p) || f.has(p, SqlTokens.QUOTED_OPTION)));
    }
    if (t == Type.SEMICOLON) {
      return f.typeAt(p + 1) == Type.COMMENT;
    }
    if (f.typeAt(last) != Type.COMMENT || last - p > 8 || (prose && f.has(last, SqlTokens.QUOTED_OPTION))) {
      return false;
    }
    if (t == Type.NAME && last == p + 1 && f.end[0] == 1 && !f.has(0, SqlTokens.FOLDED)
        && (!f.letters(last) || (f.start[last] == f.end[p] && f.op[last] == '-' && commentTag(f, last)))) {
      // 'test--: the value opens with the quote that closes the literal, one word, and cuts the rest; also with a
      // scanner's tag after a blank (' joxy-- z)
      return true;
    }
    // a call only as code writes one (name( touching) or a function SQL has: it's (almost) done -- promise and
    // "report (final) -- v2.pdf" put a word and a parenthesis after the quote, as prose does
    boolean call = t == Type.FUNCTION && (f.has(p, SqlTokens.GLUED) || f.wordHas(p, SqlWord.SQL_FUNCTION));
    boolean startsAsSql = t == Type.OPERATOR || t == Type.COMPARE || t == Type.LOGIC || call
        || t == Type.OPEN_PAREN || t == Type.ORDER_BY || t == Type.NUMBER || t == Type.VARIABLE
        || f.is(p, SqlWord.CLAUSE);
    if (!startsAsSql) {
      return false;
    }
    boolean operator = false;
    for (int j = p; j < last; j++) {
      f.work++;
      char a = f.type[j];
      if ((a == Type.NAME || a == Type.NUMBER) && (f.typeAt(j + 1) == Type.NAME || f.typeAt(j + 1) == Type.NUMBER)) {
        return false; // two words in a row: prose
      }
      operator |= a == Type.OPERATOR || a == Type.COMPARE || a == Type.LOGIC || a == Type.FUNCTION
          || a == Type.ORDER_BY || f.is(j, SqlWord.CLAUSE);
    }
    return operator;
  }

  private static boolean isHashtag(SqlTokens f, int i) {
    return f.op[i] == '#' && f.has(i, SqlTokens.HASH_WORD);
  }

  private static Finding asIs(SqlTokens f, Context context) {
    int k = 0;
    while (f.typeAt(k) == Type.OPEN_PAREN || (k == 0 && f.typeAt(k) == Type.SEMICOLON)) {
      k++; // ( … and a leading ; that ends the statement before a fragment: ; or '1'='1'
    }
    char first = f.typeAt(k);
    // A value that opens with ) closes the application's parenthesis, as a number closes a numeric position: what
    // follows is read as after one (`)) SELECT 1 FROM t`, `) WHERE 1=1`, `)) ORDER BY 1--`), with the same guards
    // against prose (`) select the file from the menu` passes as `1) select …` does).
    boolean closes = k == 0 && first == Type.CLOSE_PAREN;
    int p = closes ? 0 : k + 1;
    while (f.typeAt(p) == Type.CLOSE_PAREN) {
      p++;
    }
    boolean position = closes || isLiteral(first);
    if (position) {
      // A numeric position: 1 OR 1=1, 1) AND (SELECT ...), -1 OR SLEEP(5), 1 ORDER BY 3--
      if (f.typeAt(p) == Type.LOGIC) {
        int strength = predicate(f, p + 1);
        if (closes ? isLiteralComparison(f, p + 1) || isNameTautology(f, p + 1) // ) AND 5=5, not ) and len(x) < 1:
            : strength >= WEAK || (strength == LITERAL && literalThenComment(f, p + 1) && !proseComment(f))
            || (strength == WORDY && f.typeAt(f.size - 1) == Type.COMMENT && !proseComment(f))) {
          return finding("boolean", Severity.HIGH, f, context, k);
        }
      }
      if (!closes && f.typeAt(p) == Type.LOGIC && f.op[p] == 'w' && isLiteral(f.typeAt(p + 1))
          && endsPredicate(f.typeAt(p + 2)) && isSignedOperand(f, p)) {
        return finding("boolean", Severity.HIGH, f, context, k); // 1 OR~1, 1 AND!0, 1 AND -+--+--+~0
      }
      if (f.typeAt(p) == Type.ORDER_BY && f.typeAt(p + 1) == Type.NUMBER
          && (endsPredicate(f.typeAt(p + 2)) || f.typeAt(p + 2) == Type.COMMA || f.is(p + 2, SqlWord.CLAUSE))) {
        return finding("order-by", Severity.HIGH, f, context, k);
      }
      if (!closes && f.typeAt(p) == Type.ORDER_BY && f.typeAt(p + 1) == Type.FUNCTION
          && f.wordHas(p + 1, SqlWord.SQL_FUNCTION) && f.typeAt(p + 2) == Type.OPEN_PAREN && f.closeOf(p + 2) > 0
          && endsPredicate(f.typeAt(f.closeOf(p + 2) + 1))) {
        return finding("order-by", Severity.HIGH, f, context, k); // 1 order by ifnull(null,userid): a sort by a call
      }
      if (isLimitInjection(f, p)) {
        return finding("clause", Severity.HIGH, f, context, k); // 1 LIMIT 1-- -, 1 LIMIT 1 INTO @,@,@
      }
      if (!closes && k == 0 && first == Type.NUMBER && isValuesContinuation(f, 1, true)) {
        return finding("insert", Severity.HIGH, f, context, k); // 1, 1), (2, 2)-- -
      }
      if (!closes && k == 0 && p == 1 && isSetContinuation(f, 1, false)) {
        return finding("update", Severity.HIGH, f, context, k); // 1, is_admin=1-- -
      }
      int q = p;
      if (f.typeAt(q) == Type.OPERATOR) {
        q++;
        while (f.typeAt(q) == Type.OPEN_PAREN) {
          q++;
        }
        if (f.typeAt(q) == Type.FUNCTION && f.wordHas(q, SqlWord.SQL_FUNCTION)) {
          return finding("expression", Severity.HIGH, f, context, k); // 1 + ascii(...)
        }
      }
    } else if (first == Type.LOGIC && predicate(f, k + 1) == STRONG) {
      return finding("boolean", Severity.HIGH, f, context, k); // a fragment: AND 2771=1709)
    } else if (first == Type.LOGIC && isFragmentPredicate(f, k + 1)) {
      return finding("boolean", Severity.HIGH, f, context, k); // a fragment: or x=x, AND false, or (EXISTS)
    } else if (first == Type.ORDER_BY && f.typeAt(k + 1) == Type.NAME && f.is(k + 2, SqlWord.CLAUSE)
        && predicate(f, k + 3) >= WEAK) {
      return finding("clause", Severity.HIGH, f, context, k); // a fragment: group by userid having 1=1--
    } else if (first == Type.ORDER_BY && f.typeAt(k + 1) == Type.NUMBER
        && (endsPredicate(f.typeAt(k + 2)) || f.typeAt(k + 2) == Type.COMMA)) {
      return finding("order-by", Severity.HIGH, f, context, k); // a fragment: ORDER BY 1--
    } else if (f.is(k, SqlWord.PATTERN) && f.typeAt(k + 1) == Type.STRING && endsPredicate(f.typeAt(k + 2))
        && (f.spans(k + 1, '%') || f.spans(k + 1, '_'))) {
      return finding("comparison", Severity.HIGH, f, context, k); // a fragment: like '%'
    } else if (first == Type.FUNCTION && (f.wordHas(k, SqlWord.SQL_FUNCTION) || f.has(k, SqlTokens.GLUED))
        && isCastAfterCall(f, k + 1) && (f.wordHas(k, SqlWord.SQL_FUNCTION) || isTypeName(f, f.closeOf(k + 1) + 2))) {
      return finding("expression", Severity.HIGH, f, context, k); // starts_with(password,'a')::int
    }
    if (position && f.typeAt(p - 1) == Type.CLOSE_PAREN && p == f.size - 1 && f.typeAt(p) == Type.COMMENT
        && cutsTheRest(f, p) && (!closes || f.op[p] == '-')) {
      // 1)-- -, 1)) #, )-- -: closes the parenthesis and cuts the rest (not code's `)  # type: …` line)
      return finding("comment", Severity.HIGH, f, context, k);
    }
    if (!closes && k == 0 && first == Type.NUMBER && (f.size == 2 || (f.size == 4 && f.typeAt(1) == Type.COMPARE
        && f.typeAt(2) == Type.NUMBER)) && f.typeAt(f.size - 1) == Type.COMMENT && isDashIdiom(f, f.size - 1)) {
      // a number, or a comparison of two, that cuts the rest with MySQL's "-- -" (and a scanner's tag): 8-- -,
      // 10=1-- -q7Zt; the rest of the query (AND owner=…) is gone
      return finding("comment", Severity.HIGH, f, context, 0);
    }
    int g = f.typeAt(1) == Type.NUMBER && f.start[1] == f.end[0] ? 2 : 1;
    if (!closes && k == 0 && first == Type.NAME && f.word[0] == null && f.size == g + 3
        && f.typeAt(g) == Type.COMPARE && f.op[g] != 'w' && f.typeAt(g + 1) == Type.NUMBER
        && f.typeAt(g + 2) == Type.COMMENT && isDashIdiom(f, g + 2)) {
      // admin0!=0-- -q7Zt, admin0.1=0.1-- -q7Zt: jSQL's comparison glued to the original value, then MySQL's "-- -"
      return finding("comment", Severity.HIGH, f, context, 0);
    }
    if (k == 0 && first == Type.FUNCTION && f.wordHas(0, SqlWord.SQL_FUNCTION) && isCallTestThenCut(f)) {
      return finding("boolean", Severity.HIGH, f, context, 0); // mid(Password,1,1)='a')--: blind extraction's test
    }
    if (k == 0 && isWholeTautology(f)) {
      return finding("boolean", Severity.HIGH, f, context, 0); // connection_id()=connection_id(), @@CPU_BUSY>0
    }
    if (k == 0 && first == Type.NAME && f.typeAt(1) == Type.LOGIC && isNameTautology(f, 2)) {
      return finding("boolean", Severity.HIGH, f, context, 0); // a value, then a fragment: hi or a=a, x AND b=b--
    }
    if (isLoadInfile(f, k)) {
      return finding("statement", Severity.HIGH, f, context, k); // LOAD DATA [LOCAL] INFILE '…': MySQL reads a file
    }
    if (k > 0 && isOpenTopSelect(f, 0)) {
      return finding("statement", Severity.HIGH, f, context, k); // (select top 1: a subquery the rest completes
    }
    if (k == 0 && isSelectListFragment(f)) {
      return finding("statement", Severity.HIGH, f, context, 0); // * from wp_users-- -, id,md5(999999999)
    }
    if (f.size == 3 && (isLiteral(first) || first == Type.NAME) && (f.spells(k + 1, "asc") || f.spells(k + 1, "desc"))
        && f.typeAt(k + 2) == Type.COMMENT && !proseComment(f)) {
      return finding("order-by", Severity.HIGH, f, context, k); // a fragment: 1 ASC --, name DESC -- (ORDER BY …)
    }
    int c = position ? p : k;
    if (position && c > 0 && f.typeAt(c - 1) == Type.CLOSE_PAREN && f.is(c, SqlWord.AS)
        && f.typeAt(c + 1) == Type.NAME) {
      c += 2; // 1) AS t WHERE 1=1: the derived table's alias, then its clause
    }
    if ((f.is(c, SqlWord.CLAUSE) || f.is(c, SqlWord.WHERE))
        && (closes ? isLiteralComparison(f, c + 1) : predicate(f, c + 1) >= WEAK)
        && f.op[f.is(c + 1, SqlWord.SELECT) ? c + 1 : c + 2] != 'w') {
      return finding("clause", Severity.HIGH, f, context, k); // a fragment: HAVING 1=1, 1 WHERE 2=2
    }
    if (first == Type.STATEMENT && isStatement(f, k) && isUnmistakableStatement(f, k)) {
      return finding("statement", Severity.HIGH, f, context, k);
    }
    if (position && f.typeAt(p) == Type.STATEMENT && isStatement(f, p) && isUnmistakableStatement(f, p)) {
      return finding("stacked", Severity.CRITICAL, f, context, p); // SQL Server batch: 1 exec(@s), 0x… exec(@q)
    }
    return null;
  }

  /**
   * Whether MySQL's {@code LOAD DATA|XML [LOW_PRIORITY|CONCURRENT] [LOCAL] INFILE '…'} starts at {@code k}: the server
   * reads a file. With its literal, so the search {@code load data infile secure-file-priv} passes.
   */
  private static boolean isLoadInfile(SqlTokens f, int k) {
    if (!f.spells(k, "load") || !(f.spells(k + 1, "data") || f.spells(k + 1, "xml"))) {
      return false;
    }
    int i = k + 2;
    while (i <= k + 4 && (f.spells(i, "low_priority") || f.spells(i, "concurrent") || f.spells(i, "local"))) {
      i++;
    }
    return f.spells(i, "infile") && f.typeAt(i + 1) == Type.STRING;
  }

  /**
   * Whether the value ends in an open subquery that SQL Server's {@code TOP n} starts, from the parenthesis at
   * {@code j}: {@code (select top 1}, the head of a subquery whose rest comes in another field or line.
   */
  private static boolean isOpenTopSelect(SqlTokens f, int j) {
    int k = j;
    while (f.typeAt(k) == Type.OPEN_PAREN) {
      k++;
    }
    return k > j && f.is(k, SqlWord.SELECT) && f.spells(k + 1, "top") && f.typeAt(k + 2) == Type.NUMBER
        && f.typeAt(k + 3) == Type.END;
  }

  /**
   * Whether the whole value is a boolean test that fingerprints a database, as a tester sends it bare: a call, a
   * variable or a literal compared equal to the same text ({@code connection_id()=connection_id()},
   * {@code 'i'='i'}, {@code 1337=1337}), or a system variable compared with a number ({@code @@CONNECTIONS>0}).
   */
  private static boolean isWholeTautology(SqlTokens f) {
    char first = f.typeAt(0);
    if (f.text == null || f.size < 3 || !(first == Type.FUNCTION || first == Type.VARIABLE || isLiteral(first))) {
      return false;
    }
    int cmp = -1;
    for (int j = 1; j < f.size; j++) {
      f.work++;
      if (f.type[j] == Type.COMPARE) {
        cmp = j;
        break;
      }
      if (f.type[j] == Type.LOGIC || f.type[j] == Type.COMMENT || f.type[j] == Type.SEMICOLON) {
        return false;
      }
    }
    if (cmp < 0) {
      return false;
    }
    if (first == Type.VARIABLE && cmp == 1 && f.text[f.start[0] + 1] == '@' && f.typeAt(2) == Type.NUMBER
        && f.size == 3) {
      return true; // @@CONNECTIONS>0
    }
    if (!f.spells(cmp, "=") && !f.spells(cmp, "like") && !f.spells(cmp, "rlike") && !f.spells(cmp, "regexp")
        && !f.spells(cmp, "glob")) {
      return false; // 1=1, 42 LIKE 42: a pattern matches itself
    }
    int a = f.start[0];
    int aEnd = f.start[cmp];
    int b = f.end[cmp];
    int bEnd = f.end[f.size - 1];
    while (a < aEnd || b < bEnd) { // the same text on both sides, ignoring blanks and ASCII case
      f.work++;
      if (a < aEnd && f.text[a] <= ' ') {
        a++;
      } else if (b < bEnd && f.text[b] <= ' ') {
        b++;
      } else if (a < aEnd && b < bEnd && SqlWord.lower(f.text[a]) == SqlWord.lower(f.text[b])) {
        a++;
        b++;
      } else {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code LIMIT n[,m]} at {@code p} ends the query the value sits in: a comment that is not a sentence,
   * {@code INTO} a variable or a file (MySQL's column-count probe {@code LIMIT 1 INTO @,@,@}), {@code UNION} or
   * {@code PROCEDURE}.
   */
  private static boolean isLimitInjection(SqlTokens f, int p) {
    if (!f.spells(p, "limit") || f.typeAt(p + 1) != Type.NUMBER) {
      return false;
    }
    int q = p + 2;
    if (f.typeAt(q) == Type.COMMA && f.typeAt(q + 1) == Type.NUMBER) {
      q += 2;
    }
    return (f.typeAt(q) == Type.COMMENT && cutsTheRest(f, q)) || f.typeAt(q) == Type.UNION || f.spells(q, "procedure")
        || (f.is(q, SqlWord.INTO) && (f.typeAt(q + 1) == Type.VARIABLE || f.spans(q + 1, '@')))
        || f.has(q, SqlTokens.INTO_FILE);
  }

  /**
   * Whether the tokens from {@code from}, right after the value a literal ends, finish an INSERT's value list and go
   * on: more values, the list's {@code )}, and then what only an injection writes there. {@code ON DUPLICATE KEY
   * UPDATE col =} (also with no list before it); or, when {@code plain} (nothing before the quote reads as prose or
   * code), another row {@code , (…)} or at least one more value, followed by a comment that cuts the rest, or a row
   * whose last literal the application's quote closes: {@code x', 'admin')-- -}, {@code '), ('evil', 1)#},
   * {@code '), ('evil', '}. A list that just ends ({@code 'a', 'b')}) or a comment with words ({@code 'a', 'b') --
   * see below}) is not enough.
   */
  private static boolean isValuesContinuation(SqlTokens f, int from, boolean plain) {
    int k = from;
    int values = 0;
    while (f.typeAt(k) == Type.COMMA) {
      k = valueEnd(f, k + 1);
      if (k < 0) {
        return false;
      }
      values++;
    }
    int closed = k;
    while (f.typeAt(k) == Type.CLOSE_PAREN) {
      k++;
    }
    if (isOnDuplicateKeyUpdate(f, k)) {
      return true; // ' ON DUPLICATE KEY UPDATE password='x, x', 1) ON DUPLICATE KEY UPDATE role='admin'
    }
    if (!plain || k == closed) {
      return false;
    }
    int rows = 0;
    while (f.typeAt(k) == Type.COMMA && f.typeAt(k + 1) == Type.OPEN_PAREN) {
      int e = valueEnd(f, k + 2);
      while (e >= 0 && f.typeAt(e) == Type.COMMA) {
        e = valueEnd(f, e + 1);
      }
      if (e < 0) {
        return false;
      }
      if (f.typeAt(e) == Type.END && f.typeAt(e - 1) == Type.STRING && f.has(e - 1, SqlTokens.OPEN)) {
        return true; // '), ('evil', ': the application's own quote and list finish the new row
      }
      if (f.typeAt(e) != Type.CLOSE_PAREN) {
        return false;
      }
      k = e + 1;
      rows++;
      if (isOnDuplicateKeyUpdate(f, k)) {
        return true;
      }
    }
    return (values > 0 || rows > 0) && f.typeAt(k) == Type.COMMENT && cutsTheRest(f, k);
  }

  /**
   * Whether the tokens from {@code from}, right after the value a literal ends, set more columns of an UPDATE:
   * {@code , col = value} once or more, then a comment that cuts the rest, a WHERE with a predicate, or (when
   * {@code openEnd}, after a quote) a last literal the application's own quote closes: {@code x', role='admin'-- -},
   * {@code x', role='admin}, {@code 1, is_admin=1-- -}. A list that just ends, or a comment with words, is not enough.
   */
  private static boolean isSetContinuation(SqlTokens f, int from, boolean openEnd) {
    int k = from;
    int pairs = 0;
    while (f.typeAt(k) == Type.COMMA && f.typeAt(k + 1) == Type.NAME && f.typeAt(k + 2) == Type.COMPARE
        && f.op[k + 2] == '=') {
      k = valueEnd(f, k + 3);
      if (k < 0) {
        return false;
      }
      pairs++;
    }
    if (pairs == 0) {
      return false;
    }
    char t = f.typeAt(k);
    return (t == Type.COMMENT && cutsTheRest(f, k)) || (f.is(k, SqlWord.WHERE) && predicate(f, k + 1) >= WEAK)
        || (openEnd && t == Type.END && f.typeAt(k - 1) == Type.STRING && f.has(k - 1, SqlTokens.OPEN)
        && f.op[k - 1] == f.op[0]);
  }

  /** The index after one value of a VALUES list at {@code k}: a literal, NULL, a known function's call, a subquery. */
  private static int valueEnd(SqlTokens f, int k) {
    char t = f.typeAt(k);
    if (isLiteral(t)) {
      return k + 1;
    }
    if (t == Type.FUNCTION && f.wordHas(k, SqlWord.SQL_FUNCTION) && f.typeAt(k + 1) == Type.OPEN_PAREN) {
      int close = f.closeOf(k + 1);
      return close < 0 ? -1 : close + 1;
    }
    if (t == Type.OPEN_PAREN && f.is(k + 1, SqlWord.SELECT)) {
      int close = f.closeOf(k);
      return close < 0 ? -1 : close + 1;
    }
    return -1;
  }

  /** {@code ON DUPLICATE KEY UPDATE col =} at {@code k}: MySQL's upsert clause, which sets a column of a row. */
  private static boolean isOnDuplicateKeyUpdate(SqlTokens f, int k) {
    return f.is(k, SqlWord.ON) && f.spells(k + 1, "duplicate") && f.spells(k + 2, "key")
        && f.is(k + 3, SqlWord.UPDATE) && f.typeAt(k + 4) == Type.NAME && f.typeAt(k + 5) == Type.COMPARE;
  }

  /**
   * Whether the value is a call compared with a literal, then one or more closing parentheses and a comment that cuts
   * the rest: {@code mid(Password,1,1)='a')--}, the test of a blind extraction written into a parenthesised
   * condition. No sentence closes a parenthesis it never opened right before a comment.
   */
  private static boolean isCallTestThenCut(SqlTokens f) {
    int close = f.closeOf(1);
    if (close < 0 || f.typeAt(close + 1) != Type.COMPARE || f.op[close + 1] == 'w' || !isLiteral(f.typeAt(close + 2))
        || f.typeAt(close + 3) != Type.CLOSE_PAREN) {
      return false;
    }
    int c = close + 3;
    while (f.typeAt(c) == Type.CLOSE_PAREN) {
      c++;
    }
    return c == f.size - 1 && f.typeAt(c) == Type.COMMENT && cutsTheRest(f, c);
  }

  /**
   * Whether the comment at {@code c} reads as one that cuts the rest of a query rather than as a dash in a note: it
   * holds no word ({@code -- -}, {@code #}), or it touches what comes before it ({@code 1)-- -q7Zt}, a scanner's tag).
   * {@code 1) -- ok} and {@code 3 limit 2 -- promo} are notes.
   */
  private static boolean cutsTheRest(SqlTokens f, int c) {
    return !proseComment(f) && (!f.letters(c) || (c > 0 && f.start[c] == f.end[c - 1]));
  }

  /**
   * Whether the tokens from {@code j} are a name compared equal to itself, and the value ends there: {@code a=a},
   * {@code (x=x)}, {@code USER=USER--}. A tautology on a column, which no sentence writes.
   */
  private static boolean isNameTautology(SqlTokens f, int j) {
    int k = j;
    while (f.typeAt(k) == Type.OPEN_PAREN) {
      k++;
    }
    if ((f.typeAt(k) != Type.NAME && !isObjectName(f, k)) || f.has(k, SqlTokens.FOLDED)
        || f.typeAt(k + 1) != Type.COMPARE || !f.spells(k + 1, "=")) {
      return false;
    }
    int r = k + 2;
    while (f.typeAt(r) == Type.OPEN_PAREN) {
      r++;
    }
    if (!f.sameText(k, r) || f.has(r, SqlTokens.FOLDED)) {
      return false;
    }
    r++;
    while (f.typeAt(r) == Type.CLOSE_PAREN) {
      r++;
    }
    return f.typeAt(r) == Type.END || (f.typeAt(r) == Type.COMMENT && !proseComment(f));
  }

  /**
   * A predicate appended to a value with no quote, as scanners send it: a symbol comparison ({@code x=x},
   * {@code USER=USER}, {@code 2>1}) or a bare truth value ({@code false}, {@code 1}) that ends the value.
   */
  private static boolean isFragmentPredicate(SqlTokens f, int j) {
    int k = j;
    while (f.typeAt(k) == Type.OPEN_PAREN) {
      k++;
    }
    if (k > j && f.typeAt(k) == Type.NAME && f.wordHas(k, SqlWord.SQL_FUNCTION) && f.typeAt(k + 1) == Type.CLOSE_PAREN
        && endsPredicate(f.typeAt(k + 2))) {
      return true; // or (EXISTS): a function's name as a bare value, a MySQL column test
    }
    if (f.typeAt(k) == Type.NAME && f.typeAt(k + 1) == Type.COMPARE && f.op[k + 1] == 'w'
        && f.typeAt(k + 2) == Type.FUNCTION && f.wordHas(k + 2, SqlWord.SQL_FUNCTION)) {
      int close = f.closeOf(k + 3);
      return close > 0 && endsPredicate(f.typeAt(close + 1)); // or username like char(37);
    }
    if (f.typeAt(k) == Type.NUMBER) {
      char next = f.typeAt(k + 1);
      if (next == Type.END || next == Type.COMMENT || next == Type.CLOSE_PAREN) {
        return true;
      }
    }
    return predicate(f, j) >= WEAK && f.typeAt(k + 1) == Type.COMPARE && f.op[k + 1] != 'w';
  }

  /**
   * Whether the value ends in a {@code --} comment that holds two or more words: a dash in a sentence
   * ({@code 'A' or 'B' -- pick one}). A scanner's comment is empty or one tag ({@code -- -}, {@code -- qZnT}).
   */
  private static boolean proseComment(SqlTokens f) {
    int last = f.size - 1;
    if (last < 0 || f.type[last] != Type.COMMENT || f.text == null || f.end[last] - f.start[last] < 2
        || f.text[f.start[last]] != '-') {
      return false;
    }
    int words = 0;
    boolean inWord = false;
    for (int k = f.start[last] + 2; k < f.end[last] && k < f.text.length; k++) {
      f.work++;
      boolean letter = Character.isLetter(f.text[k]);
      if (letter && !inWord) {
        words++;
      }
      inWord = letter || (inWord && f.text[k] > ' ');
    }
    return words >= 2;
  }

  private static boolean literalThenComment(SqlTokens f, int j) {
    int k = j;
    while (f.typeAt(k) == Type.OPEN_PAREN) {
      k++;
    }
    k++;
    while (f.typeAt(k) == Type.CLOSE_PAREN) {
      k++;
    }
    return f.typeAt(k) == Type.COMMENT;
  }

  /**
   * Whether the word at {@code k} names a PostgreSQL type an injection casts text to, so that the error shows the
   * text: a number type, {@code text}, {@code json}, {@code double precision}, ….
   */
  private static boolean isTypeName(SqlTokens f, int k) {
    return f.spells(k, "int") || f.spells(k, "integer") || f.spells(k, "int4") || f.spells(k, "int8")
        || f.spells(k, "bigint") || f.spells(k, "smallint") || f.spells(k, "numeric") || f.spells(k, "text")
        || f.spells(k, "json") || f.spells(k, "jsonb") || f.spells(k, "varchar") || f.spells(k, "regclass")
        || (f.spells(k, "double") && f.spells(k + 1, "precision"));
  }

  /** A call whose result is cast with PostgreSQL's {@code ::}: the error-based extraction idiom. */
  private static boolean isCastAfterCall(SqlTokens f, int open) {
    int close = f.closeOf(open);
    return close >= 0 && f.typeAt(close + 1) == Type.OPERATOR && f.op[close + 1] == ':'
        && f.end[close + 1] - f.start[close + 1] == 2;
  }

  /**
   * How strongly the tokens from {@code j} read as a boolean predicate, as the right side of an injected AND/OR.
   */
  private static int predicate(SqlTokens f, int j) {
    int k = j;
    while (f.typeAt(k) == Type.OPEN_PAREN) {
      k++;
    }
    char a = isObjectName(f, k) ? Type.NAME : f.typeAt(k); // USER=USER, database like …
    if (f.is(k, SqlWord.SELECT) && (k > j || isSelect(f, k))) {
      return STRONG; // (SELECT ...), AND SELECT TOP 10 name FROM users
    }
    if (f.spells(k, "match")) {
      for (int m = k + 1; m <= k + 4; m++) {
        f.work++;
        if (f.typeAt(m) == Type.FUNCTION && f.spells(m, "against")) {
          return WEAK; // MySQL's full-text test: OR MATCH username AGAINST ('+admin' IN BOOLEAN MODE)
        }
      }
    }
    if (f.is(k, SqlWord.TRUE)) {
      return STRONG; // OR TRUE
    }
    if (a == Type.FUNCTION) {
      boolean sql = f.wordHas(k, SqlWord.SQL_FUNCTION) || f.wordHas(k, SqlWord.DANGER);
      return sql || comparisonAfterCall(f, k + 1) ? STRONG : WEAK;
    }
    if (!isOperand(a)) {
      return NONE;
    }
    if (k > j && a == Type.NAME && f.wordHas(k, SqlWord.SQL_FUNCTION) && f.typeAt(k + 1) == Type.CLOSE_PAREN) {
      return LITERAL; // ' or (EXISTS): a function's name as a bare value, as a placeholder or a MySQL column test
    }
    int b = k + 1;
    while (k > j && f.typeAt(b) == Type.CLOSE_PAREN) {
      b++; // (1)=(1)
    }
    if (f.typeAt(b) == Type.COMPARE) {
      int r = b + 1;
      while (f.typeAt(r) == Type.OPEN_PAREN) {
        r++;
      }
      char c = isObjectName(f, r) ? Type.NAME : f.typeAt(r);
      if (f.op[b] == '~' && !isLiteral(c)) {
        return NONE; // name ~ '^adm' is PostgreSQL's pattern test; uid !~ Test is a filter language's
      }
      boolean literalRight = isLiteral(c) || c == Type.FUNCTION || c == Type.STATEMENT;
      if (isLiteral(a) && literalRight) {
        return STRONG;
      }
      // A column compared with something, or a postfix test (email NOTNULL--); nothing on the right is prose.
      if (!(isOperand(c) || c == Type.FUNCTION || c == Type.STATEMENT || c == Type.END || c == Type.COMMENT)) {
        return NONE;
      }
      return f.op[b] == 'w' && !isLiteral(a) && !isLiteral(c) ? WORDY : WEAK;
    }
    char next = f.typeAt(b);
    if (a == Type.STRING && (isJsonKeyTest(f, b) || f.has(k, SqlTokens.JSON_CAST))) {
      return STRONG; // OR '{"a":1}' ? 'a', OR '{"a":1}' ?| array['a','b']: PostgreSQL's jsonb key tests
    }
    if (a == Type.NUMBER && (endsPredicate(next) || next == Type.CLOSE_PAREN)) {
      return LITERAL;
    }
    if (a == Type.STRING && f.spells(b, "xor") && isLiteral(f.typeAt(b + 1)) && !f.has(k, SqlTokens.FOLDED)
        && holdsOneWord(f, k, 1)) {
      return LITERAL; // ' OR '1' XOR '0: literals joined by XOR; not Perl's 'or' => 2, 'xor' => 2
    }
    if (a == Type.STRING && (f.has(k, SqlTokens.OPEN) || next == Type.END || next == Type.COMMENT
        || next == Type.SEMICOLON || loneOpenQuote(f, b))) {
      return LITERAL; // ' or 'x (the application's own quote closes it), ' or 'x'--
    }
    return NONE;
  }

  /**
   * PostgreSQL's jsonb key tests at {@code b}, right after a literal: {@code ?}, {@code ?|} or {@code ?&} touching
   * their operator, then a literal or an {@code array[…]}. A question mark between two quoted words is otherwise
   * prose's, so the operand on each side must be there.
   */
  private static boolean isJsonKeyTest(SqlTokens f, int b) {
    if (f.typeAt(b) != Type.OTHER || f.op[b] != '?') {
      return false;
    }
    int r = b + 1;
    if (f.typeAt(r) == Type.OPERATOR && (f.op[r] == '|' || f.op[r] == '&') && f.start[r] == f.end[b]) {
      r++;
      return f.spells(r, "array") && f.typeAt(r + 1) == Type.OTHER && f.op[r + 1] == '[';
    }
    return f.typeAt(r) == Type.STRING; // also ' OR '[1,2]' ? '1, whose literal the application's quote closes
  }

  /** {@code user}, {@code database} without a call: a column or pseudo-column name in a predicate. */
  private static boolean isObjectName(SqlTokens f, int k) {
    return f.typeAt(k) == Type.KEYWORD && isObject(f, k);
  }

  private static boolean comparisonAfterCall(SqlTokens f, int open) {
    int close = f.closeOf(open);
    return close >= 0 && f.typeAt(close + 1) == Type.COMPARE;
  }

  /** Whether the word at {@code k} names what DDL acts on: TABLE, DATABASE, FUNCTION, USER, … */
  private static boolean isObject(SqlTokens f, int k) {
    return f.is(k, SqlWord.OBJECT) || f.is(k, SqlWord.OBJECT_FUNCTION);
  }

  /** Whether a statement verb at {@code j} is followed by that statement's own shape. */
  private static boolean isStatement(SqlTokens f, int j) {
    SqlWord w = f.word[j];
    char next = f.typeAt(j + 1);
    switch (w) {
      case SELECT:
        return isSelect(f, j);
      case INSERT: case REPLACE:
        if (f.has(j, SqlTokens.BULK)) {
          return next == Type.NAME && f.is(j + 2, SqlWord.FROM) && f.typeAt(j + 3) == Type.STRING;
        }
        return f.is(j + 1, SqlWord.INTO) || ((next == Type.NAME || next == Type.FUNCTION)
            && (f.is(j + 2, SqlWord.VALUES) || f.typeAt(j + 2) == Type.OPEN_PAREN));
      case UPDATE:
        return next == Type.NAME && f.is(j + 2, SqlWord.SET);
      case DELETE: // DELETE [LOW_PRIORITY] [QUICK] [IGNORE] FROM
        int from = j + 1;
        while (from <= j + 3
            && (f.spells(from, "low_priority") || f.spells(from, "quick") || f.spells(from, "ignore"))) {
          from++;
        }
        return f.is(from, SqlWord.FROM);
      case DDL: // CREATE TABLE …, CREATE OR REPLACE FUNCTION …
        return isObject(f, j + 1) || (f.spells(j + 1, "or") && f.is(j + 2, SqlWord.REPLACE)
            && isObject(f, j + 3));
      case TRUNCATE:
        return isObject(f, j + 1) || (next == Type.NAME && endsPredicate(f.typeAt(j + 2)));
      case EXEC:
        if (next == Type.VARIABLE || next == Type.STRING || next == Type.OPEN_PAREN
            || f.wordHas(j + 1, SqlWord.DANGER)) {
          return true;
        }
        if (next == Type.NAME || next == Type.FUNCTION) {
          char after = f.typeAt(j + 2);
          return isLiteral(after) || after == Type.OPEN_PAREN || after == Type.COMMA || after == Type.SEMICOLON
              || after == Type.COMMENT;
        }
        return false;
      case DECLARE: case SET:
        return next == Type.VARIABLE;
      case SHUTDOWN:
        return endsPredicate(next);
      case PREPARE:
        return next == Type.NAME && f.is(j + 2, SqlWord.FROM);
      case CALL:
        return next == Type.FUNCTION;
      case VALUES:
        return next == Type.OPEN_PAREN;
      case GRANT:
        // GRANT ALL [PRIVILEGES] ON …, GRANT SELECT, INSERT ON …: privileges are SQL words, never "access"
        // GRANT role TO user; — only with the terminator, since "grant access to users" is English
        return ((f.is(j + 1, SqlWord.QUANTIFIER) || next == Type.STATEMENT) && hasWithin(f, j + 1, 8, SqlWord.ON))
            || (next == Type.NAME && f.is(j + 2, SqlWord.TO) && (f.typeAt(j + 3) == Type.NAME
            || isObject(f, j + 3)) && (f.typeAt(j + 4) == Type.SEMICOLON || f.typeAt(j + 4) == Type.COMMENT));
      case BACKUP:
        if (isObject(f, j + 1) && f.typeAt(j + 2) == Type.NAME && f.is(j + 3, SqlWord.TO)) {
          return true; // BACKUP DATABASE x TO …
        }
        for (int k = j + 1; k < f.size && k <= j + 4; k++) { // BACKUP LOG [x] TO DISK = '…', RESTORE … FROM DISK = '…'
          f.work++;
          if ((f.is(k, SqlWord.TO) || f.is(k, SqlWord.FROM)) && (f.spells(k + 1, "disk") || f.spells(k + 1, "url"))
              && f.typeAt(k + 2) == Type.COMPARE && f.typeAt(k + 3) == Type.STRING) {
            return true;
          }
        }
        return false;
      case COPY:
        int target = next == Type.OPEN_PAREN ? closing(f, j + 1) + 1 : next == Type.NAME ? j + 2
            : next == Type.FUNCTION ? closing(f, j + 2) + 1 : -1; // COPY (SELECT …), COPY t, COPY t(col)
        return target > j && (f.is(target, SqlWord.FROM) || f.is(target, SqlWord.TO))
            && (f.typeAt(target + 1) == Type.STRING || f.is(target + 1, SqlWord.STREAM)); // COPY t FROM PROGRAM '…'
      case PRINT:
        return next == Type.VARIABLE || (next == Type.FUNCTION && f.wordHas(j + 1, SqlWord.SQL_FUNCTION));
      case DESCRIBE:
        return next == Type.NAME && (f.typeAt(j + 2) == Type.COMMENT || f.typeAt(j + 2) == Type.SEMICOLON);
      case SQLITE:
        if (f.spells(j, "pragma")) { // PRAGMA table_info('users'), PRAGMA writable_schema=1;
          return (next == Type.FUNCTION && f.has(j + 1, SqlTokens.GLUED))
              || (next == Type.NAME && f.typeAt(j + 2) == Type.COMPARE && f.spells(j + 2, "="));
        }
        // ATTACH DATABASE '/x.db' AS x, with a file path or a terminator after the alias. The word DATABASE is
        // optional to SQLite, not to this reading: "Attach 'report.pdf' as evidence" and "Attach database 'notes'
        // as archive" are instructions
        return f.spells(j + 1, "database") && f.typeAt(j + 2) == Type.STRING && f.is(j + 3, SqlWord.AS)
            && f.typeAt(j + 4) == Type.NAME && (f.spans(j + 2, '/') || f.spans(j + 2, '\\')
            || f.typeAt(j + 5) == Type.SEMICOLON || f.typeAt(j + 5) == Type.COMMENT);
      default:
        return false;
    }
  }

  private static boolean hasWithin(SqlTokens f, int from, int reach, SqlWord w) {
    for (int j = from; j < f.size && j < from + reach; j++) {
      f.work++;
      if (f.word[j] == w) {
        return true;
      }
    }
    return false;
  }

  /** The index of the parenthesis closing the one at {@code open}, or -1 within reach. */
  private static int closing(SqlTokens f, int open) {
    return f.closeOf(open);
  }

  /** SELECT followed by what a select list starts with: {@code *}, a call, a variable, a literal list, a column. */
  private static boolean isSelect(SqlTokens f, int j) {
    int k = j + 1;
    while (f.is(k, SqlWord.QUANTIFIER)) {
      k++;
      if (f.spells(k - 1, "top") && f.typeAt(k) == Type.NUMBER) {
        k++; // TOP 1; after ALL or DISTINCT a number is the select list's first column (SELECT ALL 1,2,3)
      }
    }
    char a = f.typeAt(k);
    char b = f.typeAt(k + 1);
    if (a == Type.OPERATOR && f.op[k] == '*') {
      return true;
    }
    if (a == Type.FUNCTION || a == Type.VARIABLE || a == Type.OPEN_PAREN) {
      return true;
    }
    if (a == Type.NUMBER || a == Type.STRING) {
      return b == Type.END || b == Type.COMMA || b == Type.COMMENT || b == Type.SEMICOLON || b == Type.UNION
          || b == Type.OPERATOR || b == Type.COMPARE || b == Type.LOGIC || f.is(k + 1, SqlWord.FROM)
          || f.is(k + 1, SqlWord.INTO) || (f.is(k + 1, SqlWord.WHERE) && hasComparisonSoon(f, k + 2)) // 1 WHERE 2>1
          || (f.is(k + 1, SqlWord.AS) && f.typeAt(k + 2) == Type.NAME
          && (selectListEnds(f, k + 1) || f.typeAt(k + 3) == Type.COMMA || f.is(k + 3, SqlWord.FROM)));
    }
    if (a == Type.NAME && f.wordHas(k, SqlWord.SQL_FUNCTION) && f.spans(k, '_')
        && (b == Type.CLOSE_PAREN || b == Type.END || b == Type.COMMENT || b == Type.SEMICOLON)) {
      return true; // SELECT CURRENT_USER), SELECT system_user--: a function SQL calls without parentheses
    }
    if (isObject(f, k) && (b == Type.SEMICOLON || (b == Type.COMMENT && !proseComment(f)))) {
      return true; // SELECT user; SELECT database-- (not "select database -- the one you want")
    }
    if (isObject(f, k)) {
      a = Type.NAME; // SELECT user FROM …
    }
    if (a == Type.NAME) {
      if (b == Type.COMMA || b == Type.ORDER_BY) {
        return true;
      }
      // a column, then maybe arithmetic, concatenation and an alias, then FROM: select login/2 from, select name as
      // "n" from, select username || ':' || password from (each || lets the list run two tokens further)
      int limit = k + 4;
      for (int j2 = k + 1; j2 < f.size && j2 <= limit; j2++) {
        f.work++;
        if (f.is(j2, SqlWord.FROM) || (f.is(j2, SqlWord.WHERE) && hasComparisonSoon(f, j2 + 1))) {
          return true; // SELECT x FROM, SELECT x WHERE 1=2
        }
        char t = f.type[j2];
        boolean concat = t == Type.LOGIC && f.op[j2] == '|';
        if (concat && limit < k + 16) {
          limit += 2;
        }
        if (t != Type.NAME && t != Type.STRING && t != Type.NUMBER && t != Type.OPERATOR && !concat
            && !f.is(j2, SqlWord.AS)) {
          return false;
        }
      }
    }
    return false;
  }

  /**
   * Whether the whole value is the rest of a select list, for an application that writes {@code SELECT } before it:
   * {@code *} then {@code FROM} a table (not a determiner) and a comment that is not a sentence
   * ({@code * from wp_users-- -}), or a column, a comma and a call of a function SQL has, touching its parenthesis,
   * and nothing after it ({@code id,md5(999999999)}).
   */
  private static boolean isSelectListFragment(SqlTokens f) {
    if (f.typeAt(0) == Type.OPERATOR && f.op[0] == '*' && f.is(1, SqlWord.FROM) && f.typeAt(2) == Type.NAME) {
      return !isDeterminer(f, 2) && f.size == 4 && f.typeAt(3) == Type.COMMENT && !proseComment(f);
    }
    if (f.typeAt(0) == Type.NAME && f.typeAt(1) == Type.COMMA && f.typeAt(2) == Type.FUNCTION
        && f.has(2, SqlTokens.GLUED) && f.wordHas(2, SqlWord.SQL_FUNCTION)) {
      int close = f.closeOf(3);
      return close == f.size - 1 || (close == f.size - 2 && f.typeAt(close + 1) == Type.COMMENT && !proseComment(f));
    }
    return false;
  }

  /** English determiners: no table is named by one, and "from the …" is how an instruction names a place. */
  private static final String[] DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "your", "my",
      "our", "their", "his", "her", "its", "each", "every"};

  private static boolean isDeterminer(SqlTokens f, int i) {
    for (String d : DETERMINERS) {
      if (f.spells(i, d)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the select list that starts at {@code a} reads as an instruction to a person rather than a query: its
   * first item (one token) is followed by {@code FROM} and a determiner ({@code Select 'All' from the menu},
   * {@code select * from the list}), or by a comma and a word no select list continues with ({@code Select 'Yes',
   * then click OK}).
   */
  private static boolean readsAsInstruction(SqlTokens f, int a) {
    if (f.is(a + 1, SqlWord.FROM)) {
      return isDeterminer(f, a + 2);
    }
    return f.typeAt(a + 1) == Type.COMMA && f.is(a + 2, SqlWord.OTHER); // then, else, end, for, using
  }

  /**
   * A statement standing alone as the value: flagged only with something prose does not have, so that "delete
   * from cart" or "create table reservation" pass while {@code SELECT * FROM users} does not.
   */
  private static boolean isUnmistakableStatement(SqlTokens f, int k) {
    SqlWord w = f.word[k];
    if (f.typeAt(f.size - 1) == Type.COMMENT || f.blockComment) {
      return true; // terminated by a comment, or spaced with /**/
    }
    if (w == SqlWord.EXEC && f.typeAt(k + 1) == Type.STRING
        && (f.typeAt(k + 2) == Type.NAME || f.is(k + 2, SqlWord.OTHER))) {
      return false; // Execute 'make' then 'make install': a quoted command, then words
    }
    if (w == SqlWord.DDL && f.typeAt(k + 2) == Type.NAME && f.spells(k + 3, "identified") && f.is(k + 4, SqlWord.BY)
        && f.typeAt(k + 5) == Type.STRING) {
      return true; // CREATE USER name IDENTIFIED BY 'pass123', ALTER USER …: a password, set by SQL
    }
    if (w == SqlWord.DECLARE || w == SqlWord.SET || w == SqlWord.EXEC || w == SqlWord.COPY || w == SqlWord.BACKUP
        || f.has(k, SqlTokens.BULK) || w == SqlWord.SQLITE
        || (w == SqlWord.PRINT && f.typeAt(k + 1) == Type.VARIABLE)) {
      return true; // @variable, a literal or a call, COPY … FROM PROGRAM, BACKUP DATABASE, BULK INSERT, PRAGMA x(…)
    }
    if (w == SqlWord.SELECT) {
      int a = k + 1;
      while (f.is(a, SqlWord.QUANTIFIER)) {
        a++;
        if (f.spells(a - 1, "top") && f.typeAt(a) == Type.NUMBER && f.typeAt(a + 1) == Type.OPERATOR) {
          a++; // SELECT TOP 5 * FROM t; "select top 5 from the list" has no select list
        }
      }
      char t = f.typeAt(a);
      if (readsAsInstruction(f, a)) {
        return false; // Select 'All' from the menu, Select 'Yes', then click OK: what a user is told to do
      }
      if (t == Type.OPERATOR && f.op[a] == '*' && f.typeAt(a + 2) == Type.OPERATOR && f.op[a + 2] == '*'
          && f.start[a + 1] == f.end[a] && f.start[a + 2] == f.end[a + 1]) {
        return false; // select *something* from the menu: a word between two stars is emphasis, not a select list
      }
      if ((t == Type.OPERATOR && f.op[a] == '*') || t == Type.FUNCTION || t == Type.VARIABLE
          || t == Type.OPEN_PAREN) {
        return true;
      }
      if (isLiteral(t) && (f.typeAt(a + 1) == Type.COMMA || f.is(a + 1, SqlWord.FROM))) {
        return true; // SELECT 'a', ... / SELECT 1 FROM
      }
      if (f.is(a + 1, SqlWord.FROM) && f.typeAt(a + 2) == Type.FUNCTION && f.has(a + 2, SqlTokens.GLUED)
          && f.typeAt(a + 4) == Type.STRING) {
        return true; // SELECT content FROM read_blob('/etc/passwd'): a table function called on a literal
      }
      if (t == Type.NUMBER && f.has(a, SqlTokens.FOLDED) && !f.has(a, SqlTokens.FOLDED_NAME) && f.spans(a, '*')
          && selectListEnds(f, a + 1)) {
        return true; // select 547653*865674 as id: a product the database computes, the probe of a SQL endpoint
      }
      if (t == Type.NAME && f.wordHas(a, SqlWord.SQL_FUNCTION) && f.spans(a, '_') && f.typeAt(a + 1) == Type.END) {
        return true; // SELECT CURRENT_USER: a function SQL calls without parentheses, which no sentence spells
      }
      if (t == Type.STRING && f.typeAt(a + 1) == Type.LOGIC && f.op[a + 1] == '|') {
        return true; // SELECT 'a'||…: a quoted literal concatenated, which no sentence writes
      }
    }
    for (int j = k + 1; j < f.size; j++) {
      f.work++;
      char t = f.type[j];
      if (t == Type.SEMICOLON && endsPredicate(f.typeAt(j + 1))) {
        return true; // DELETE FROM users;
      }
      if (t == Type.NAME && f.op[j] == '`') {
        return true; // MySQL `quoted` identifiers
      }
      if (f.is(j, SqlWord.FROM) && isSystemCatalog(f, j + 1)) {
        return true; // SELECT table_name FROM information_schema.tables, … FROM master..sysxlogins
      }
      if (w == SqlWord.SELECT && f.typeAt(k + 1) != Type.NAME && f.is(j, SqlWord.FROM) && f.spells(j + 1, "dual")
          && (endsPredicate(f.typeAt(j + 2)) || f.is(j + 2, SqlWord.WHERE) || f.typeAt(j + 2) == Type.UNION)) {
        return true; // SELECT user FROM DUAL: Oracle's one-row table after no plain word, which no sentence ends on
      }
      if (w == SqlWord.DDL && j == k + 4 && isObject(f, k + 1) && f.typeAt(j - 1) == Type.OPEN_PAREN
          && f.typeAt(j) == Type.NAME && isTypeName(f, j + 1)) {
        return true; // CREATE TABLE t(c text …): a column and its type
      }
      if ((f.is(j, SqlWord.WHERE) || f.is(j, SqlWord.SET) || f.is(j, SqlWord.CLAUSE)) && hasComparisonSoon(f, j + 1)) {
        return true; // ... WHERE id = 1, UPDATE users SET admin = 1, HAVING COUNT(id) >= 9
      }
      if (f.is(j, SqlWord.VALUES) && f.typeAt(j + 1) == Type.OPEN_PAREN) {
        return true;
      }
    }
    return false;
  }

  /** Whether the select list ends at {@code j}: the value's end, a comment or {@code ;}, maybe after an alias. */
  private static boolean selectListEnds(SqlTokens f, int j) {
    if (f.is(j, SqlWord.AS) && f.typeAt(j + 1) == Type.NAME) {
      j += 2;
    }
    char t = f.typeAt(j);
    return t == Type.END || t == Type.COMMENT || t == Type.SEMICOLON;
  }

  /** Prefixes of the tables and views in which databases describe themselves and their users. */
  private static final String[] CATALOGS = {"information_schema.", "pg_catalog.", "pg_database", "pg_user",
      "pg_shadow", "pg_tables", "pg_roles", "pg_authid", "pg_namespace", "pg_class", "pg_proc", "pg_settings",
      "pg_stat_activity", "mysql.", "master.", "sys.", "sysobjects", "syscolumns", "sysusers", "sysxlogins",
      "sysdatabases", "all_tab", "all_users", "user_tab", "dba_", "v$", "sqlite_master", "sqlite_schema",
      "msysobjects"};

  /** Whether the name at {@code i} is a system catalog: the tables an injection reads to learn the schema. */
  private static boolean isSystemCatalog(SqlTokens f, int i) {
    if (f.typeAt(i) != Type.NAME || f.text == null) {
      return false;
    }
    for (String catalog : CATALOGS) {
      f.work++;
      if (f.startsWith(i, catalog)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasComparisonSoon(SqlTokens f, int from) {
    for (int j = from; j < f.size && j < from + 6; j++) {
      f.work++;
      if (f.type[j] == Type.COMPARE) {
        return isOperand(f.typeAt(j + 1)) || f.typeAt(j + 1) == Type.FUNCTION;
      }
    }
    return false;
  }
}
