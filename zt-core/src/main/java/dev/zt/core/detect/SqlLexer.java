package dev.zt.core.detect;

import dev.zt.core.detect.SqlWord.Type;

/**
 * Splits normalized text (see {@link SqlNormalizer}: every Unicode space is already a {@code ' '}) into SQL tokens
 * the way a database's lexer would, in one of four contexts: the text as it is (a numeric or bare position in a
 * query), or the text as if it followed an opening {@code '} or {@code "} (a quoted literal in a query) or
 * {@code `} (a MySQL identifier). In a quoted context the first token is the rest of that literal, up to the quote
 * the value itself supplies; what follows it is what an injection would have the database run.
 *
 * <p>Strings honour doubled quotes, and backslash escapes only when asked (MySQL's default; the detector lexes a
 * value with a backslash both ways, since {@code \'} ends a literal in standard SQL and not in MySQL). Block
 * comments that close are whitespace, except MySQL's {@code /*! ... *}{@code /}, whose content is code; a comment
 * that runs to the end of the value ({@code --}, {@code #}, unclosed {@code /*}) is a comment token. Linear: every
 * branch of the loop advances.
 */
final class SqlLexer {

  private final char[] s;
  private final int n;
  private final char quote;
  private final SqlTokens out;
  /** For each position, the index just past the first {@code *}{@code /} at or after it, or -1; built on demand. */
  private int[] commentEnd;

  private SqlLexer(char[] s, int n, char quote, boolean backslash) {
    this.s = s;
    this.n = n;
    this.quote = quote;
    this.out = new SqlTokens(Math.min(n + 2, 64), backslash);
    this.out.text = s;
  }

  /**
   * @param quote {@code 0} for the value as it is, else the quote character the value is assumed to follow
   * @param backslash whether a backslash escapes the next character inside literals (MySQL)
   */
  static SqlTokens lex(char[] s, int n, char quote, boolean backslash) {
    return new SqlLexer(s, n, quote, backslash).run();
  }

  private SqlTokens run() {
    boolean backslash = out.backslash;
    int i = 0;
    if (quote != 0) {
      int close = closeQuote(0, quote, backslash);
      int flags = close < 0 ? SqlTokens.OPEN : 0;
      boolean seenWord = false;
      boolean gap = false;
      for (int j = 0; j < close - 1; j++) { // whitespace between two non-blank characters
        out.work++;
        boolean blank = s[j] <= ' ';
        if (blank) {
          flags |= SqlTokens.LOOSE;
        }
        if (!blank && gap) {
          flags |= SqlTokens.SPACED;
          break;
        }
        gap |= blank && seenWord;
        seenWord |= !blank;
      }
      if (close >= 2 && (opensString(close - 2) || pythonPrefixOpens(close - 2))) {
        flags |= SqlTokens.QUOTE_OPENS;
      }
      out.add(Type.STRING, null, 0, close < 0 ? n : close, flags, quote);
      i = close < 0 ? n : close;
    }
    int executable = 0; // depth of MySQL /*! ... */ comments whose content we are reading as code
    while (i < n) {
      out.work++;
      char c = s[i];
      if (c == '{') {
        i = odbcEscape(i); // ODBC escapes {fn ...}, {x 1} read as their content
      } else if (c <= ' ' || c == '}') { // the normalizer made every Unicode space a ' '
        i++;
      } else if (c == '\'' || c == '"') {
        i = string(i, i + 1, c);
      } else if (c == '`') {
        int close = closeQuote(i + 1, '`', false);
        out.add(Type.NAME, null, i, close < 0 ? n : close, close < 0 ? SqlTokens.OPEN : 0, '`');
        i = close < 0 ? n : close;
      } else if (isDigit(c) && scientificNoOp(i) > i) {
        i = scientificNoOp(i); // MySQL reads ORD 1.e(MID(x 1.e,1 1.e)) as ORD(MID(x,1)): a number with no exponent
      } else if (isDigit(c) || (c == '.' && i + 1 < n && isDigit(s[i + 1]))) {
        i = number(i);
      } else if (isWordStart(c)) {
        i = word(i);
      } else if (c == '@') {
        i = variable(i);
      } else if (c == '&' && i + 2 < n && s[i + 1] == '#' && isEntity(i + 2)) {
        int j = i + 2;
        while (s[j] != ';') {
          out.work++;
          j++;
        }
        out.add(Type.OTHER, null, i, j + 1, 0, '&'); // an HTML numeric entity (&#39;, &#x27;), not a # comment
        i = j + 1;
      } else if ((c == '#' && (i == 0 || s[i - 1] != '{')) || (c == '-' && i + 1 < n && s[i + 1] == '-')) {
        // (a # right after { is a template's section, {{#each}}, not a comment)
        i = lineComment(i);
      } else if (c == '/' && i + 1 < n && s[i + 1] == '*' && !(i >= 2 && s[i - 1] == '*' && s[i - 2] == '*')) {
        // (after **, a path glob's **/*.js: SQL has no ** operator, so the / is not a comment's)
        out.blockComment = true;
        if (i + 2 < n && s[i + 2] == '!') {
          executable++;
          i += 3;
          for (int digits = 0; digits < 6 && i < n && isDigit(s[i]); digits++) {
            out.work++;
            i++;
          }
        } else {
          int close = blockCommentEnd(i);
          if (close < 0) {
            out.add(Type.COMMENT, null, i, n, SqlTokens.OPEN, '/');
            i = n;
          } else {
            i = close;
          }
        }
      } else if (c == '*' && executable > 0 && i + 1 < n && s[i + 1] == '/') {
        executable--;
        i += 2;
      } else if (c == '(' || c == ')' || c == ',' || c == ';') {
        out.add(c, null, i, i + 1, 0, c);
        i++;
      } else if (c == '$' && (i == 0 || !isWordPart(s[i - 1]))) {
        int end = dollarQuoteEnd(i); // PostgreSQL's $$admin$$, $t$admin$t$: a literal written without a quote
        if (end < 0) {
          i = operator(i); // a lone $, as before
        } else {
          out.add(Type.STRING, null, i, end, 0, '$');
          i = end;
        }
      } else if (c == '[' && (i == 0 || !isWordPart(s[i - 1]) || afterKeyword(i))) {
        i = bracketName(i); // also SELECT[name]FROM[t]: glued to a keyword, a name, where after a word it indexes
      } else {
        i = operator(i);
      }
    }
    return out;
  }

  /** Index just past the quote that closes a literal opened before {@code from}, or -1. */
  private int closeQuote(int from, char quote, boolean backslash) {
    for (int j = from; j < n; j++) {
      out.work++;
      if (backslash && s[j] == '\\') {
        j++; // the escaped character, whatever it is
      } else if (s[j] == quote) {
        if (j + 1 < n && s[j + 1] == quote) {
          j++; // doubled quote: an escaped quote inside the literal
        } else {
          return j + 1;
        }
      }
    }
    return -1;
  }

  private int string(int start, int body, char quote) {
    int close = closeQuote(body, quote, out.backslash);
    if (quote == '"' && close > body && close < n && s[close] == '(' && qualified(body, close - 1)) {
      // "java.lang.Thread.sleep"(5000): a double-quoted qualified name called as a routine (standard SQL; HSQLDB
      // calls Java methods so), read as the function its last part is; only a function SQL has, and only a
      // qualified name, so "Parasite"(2019) and "Sleep"(2023) stay strings
      SqlWord w = lookupWord(body, close - 1);
      if (w != null && w.has(SqlWord.SQL_FUNCTION)) {
        out.add(Type.FUNCTION, w, start, close, SqlTokens.GLUED, 'w');
        return close;
      }
    }
    out.add(Type.STRING, null, start, close < 0 ? n : close, close < 0 ? SqlTokens.OPEN : 0, quote);
    return close < 0 ? n : close;
  }

  /** Whether {@code s[from, to)} is a dotted name: word characters and dots, with a dot inside. */
  private boolean qualified(int from, int to) {
    boolean dot = false;
    for (int k = from; k < to; k++) {
      out.work++;
      char c = s[k];
      if (c == '.') {
        dot |= k > from && k < to - 1;
      } else if (!isWordPart(c)) {
        return false;
      }
    }
    return dot;
  }

  /** Index just past the {@code *}{@code /} closing a block comment that opens at {@code open}, or -1. O(1). */
  private int blockCommentEnd(int open) {
    if (commentEnd == null) {
      commentEnd = new int[n + 1];
      int next = -1;
      commentEnd[n] = -1;
      for (int j = n - 1; j >= 0; j--) {
        out.work++;
        if (s[j] == '*' && j + 1 < n && s[j + 1] == '/') {
          next = j + 2;
        }
        commentEnd[j] = next;
      }
    }
    return open + 2 <= n ? commentEnd[open + 2] : -1;
  }

  private int lineComment(int i) {
    int j = i;
    boolean quoted = false;
    while (j < n && s[j] != '\n' && s[j] != '\r') {
      out.work++;
      quoted |= quote != 0 && s[j] == quote;
      j++;
    }
    int flags = 0;
    if (s[i] == '#' && i + 1 < n && isWordPart(s[i + 1])) {
      flags = SqlTokens.HASH_WORD; // #2, #hashtag
    }
    if (quoted && (s[i] == '#' || (i + 2 < n && s[i + 2] > ' ' && s[i + 2] != quote))) {
      flags |= SqlTokens.QUOTED_OPTION; // '--disable-largefile', "-----BEGIN", '/path#tag' --> 'x', "#"
    }
    out.add(Type.COMMENT, null, i, j, flags, s[i]);
    return j;
  }

  /**
   * The end of a number written {@code 1.e} (digits, a dot, an {@code e} and no exponent) right before a bracket, a
   * comma, a dot or an operator ({@code * ^ / | &}), after a blank or a bracket: MySQL reads it as nothing there
   * (sqlmap's {@code scientific} evasion, {@code SLEEP 1.e(5 1.e)}); otherwise {@code i}.
   */
  /** Whether a quote right after the character at {@code i} opens a string in code: after a blank, =, ( or [. */
  private boolean opensString(int i) {
    char c = s[i];
    return c <= ' ' || c == '=' || c == '(' || c == '[';
  }

  /**
   * Whether the quote after {@code i} follows one of Python's string prefixes ({@code r b u f rb br}) that itself
   * stands where a string opens: {@code (r'--.*$'}, {@code x = b'…'}, {@code (rb'…'}.
   */
  private boolean pythonPrefixOpens(int i) {
    if (i < 1 || "rRbBuUfF".indexOf(s[i]) < 0) {
      return false;
    }
    return opensString(i - 1) || (i >= 2 && "rRbB".indexOf(s[i - 1]) >= 0 && opensString(i - 2));
  }

  private int scientificNoOp(int i) {
    if (i > 0 && s[i - 1] > ' ' && "(),".indexOf(s[i - 1]) < 0) {
      return i;
    }
    int j = i;
    while (j < n && isDigit(s[j])) {
      out.work++;
      j++;
    }
    if (j + 2 < n && s[j] == '.' && (s[j + 1] == 'e' || s[j + 1] == 'E') && "(),.*^/|&".indexOf(s[j + 2]) >= 0) {
      return j + 2;
    }
    return i;
  }

  private int number(int i) {
    int j = i;
    boolean decimal = false;
    if (s[i] == '0' && i + 2 < n && (s[i + 1] == 'x' || s[i + 1] == 'X') && isHex(s[i + 2])) {
      j = i + 2;
      while (j < n && isHex(s[j])) {
        out.work++;
        j++;
      }
    } else if (s[i] == '0' && i + 2 < n && (s[i + 1] == 'b' || s[i + 1] == 'B')
        && (s[i + 2] == '0' || s[i + 2] == '1')) {
      j = i + 2;
      while (j < n && (s[j] == '0' || s[j] == '1')) {
        out.work++;
        j++;
      }
    } else {
      while (j < n && isDigit(s[j])) {
        out.work++;
        j++;
      }
      if (j < n && s[j] == '.') {
        decimal = true;
        j++;
        while (j < n && isDigit(s[j])) {
          out.work++;
          j++;
        }
      }
      if (j + 1 < n && (s[j] == 'e' || s[j] == 'E')
          && (isDigit(s[j + 1]) || ((s[j + 1] == '+' || s[j + 1] == '-') && j + 2 < n && isDigit(s[j + 2])))) {
        j += 2;
        while (j < n && isDigit(s[j])) {
          out.work++;
          j++;
        }
      }
    }
    if (j < n && isWordStart(s[j]) && !decimal) {
      // MySQL reads 1OR1=1, 1001AND 2=2, 1UNION SELECT and SELECT-1e1FROM t as a number and a keyword: split when the
      // letters spell one
      int k = j;
      while (k < n && isWordStart(s[k]) && s[k] < 0x80) {
        out.work++;
        k++;
      }
      SqlWord glued = k - j <= SqlWord.MAX_LENGTH ? SqlWord.lookup(s, j, k) : null;
      if (glued != null && (glued.type == Type.LOGIC || glued.type == Type.UNION || glued == SqlWord.CLAUSE
          || glued == SqlWord.ORDER || glued == SqlWord.GROUP || glued == SqlWord.WHERE || glued == SqlWord.FROM)
          && (k == n || !isWordStart(s[k]))) {
        out.add(Type.NUMBER, null, i, j, 0, '1');
        out.add(glued.type, glued, j, k, 0, 'w');
        return k;
      }
    }
    if (j < n && isWordPart(s[j]) && !(decimal && isWordStart(s[j]))) {
      // 2nd, 5pm, 1a, .2alias: a name that starts with digits (j > i, so this always advances)
      int k = j;
      while (k < n && (isWordPart(s[k]) || (s[k] == '.' && k + 1 < n && isWordPart(s[k + 1])))) {
        out.work++;
        k++;
      }
      out.add(Type.NAME, null, i, k, 0, 'w');
      return k;
    }
    out.add(Type.NUMBER, null, i, j, 0, '1');
    return j;
  }

  private int wordEnd(int i) {
    int j = i;
    while (j < n) {
      out.work++;
      char c = s[j];
      if (isWordPart(c)) {
        j++;
      } else if (c == '.' && j + 1 < n && isWordStart(s[j + 1])) {
        j++; // qualified names: information_schema.tables, dbms_lock.sleep
      } else if (c == '.' && j + 2 < n && s[j + 1] == '.' && isWordStart(s[j + 2])) {
        j += 2; // master..xp_cmdshell
      } else {
        break;
      }
    }
    return j;
  }

  private int word(int i) {
    int j = wordEnd(i);
    // Prefixed literals: N'..', X'..', B'..', E'..', _charset'..'
    if (j < n && s[j] == '\'' && ((j - i == 1 && "nNxXbBeE".indexOf(s[i]) >= 0) || s[i] == '_')) {
      return string(i, j + 1, '\'');
    }
    SqlWord w = lookupWord(i, j);
    // Words split by an empty-looking comment (UN/**/ION) are joined when the joined word is SQL: some filters and
    // old servers drop comments outright. Otherwise the comment separates two words, as every database reads it.
    while (j + 3 < n && s[j] == '/' && s[j + 1] == '*' && s[j + 2] != '!') {
      out.work++;
      int close = blockCommentEnd(j);
      if (close < 0 || close >= n || !isWordStart(s[close])) {
        break;
      }
      int k = wordEnd(close);
      SqlWord joined = lookupJoined(i, j, close, k);
      if (joined == null) {
        break;
      }
      w = joined;
      j = k;
    }
    // Words split by an empty tag (UN<>ION, SEL<>ECT, A<>ND): an application that strips markup joins them. Joined
    // only when neither half is SQL and the whole is a word of three letters or more that is, so x<>y stays a
    // comparison and a<>s or o<>r (VB code's not-equal) stay what they were.
    if (w == null && j + 2 < n && s[j] == '<' && s[j + 1] == '>' && isWordStart(s[j + 2]) && s[j + 2] < 0x80) {
      int k = wordEnd(j + 2);
      SqlWord joined = k - (j + 2) + (j - i) < 3 || SqlWord.lookup(s, j + 2, k) != null ? null
          : lookupJoined(i, j, j + 2, k);
      if (joined != null) {
        w = joined;
        j = k;
      }
    }
    // Words split by a NUL, an invisible format character or a line break (SEL%00ECT, un\u200Bion, UNI%0D%0AON): an
    // application or filter that strips them joins them. Joined when the whole is SQL and not both halves are, so
    // "and" and "or" on two lines, or a keyword at the end of one line and another at the start of the next, stay two
    // words.
    if (j + 1 < n && isSplitMark(s[j])) {
      int k = j;
      while (k < n && k - j < 4 && isSplitMark(s[k])) {
        out.work++;
        k++;
      }
      if (k < n && isWordStart(s[k])) {
        int e = wordEnd(k);
        SqlWord joined = w != null && SqlWord.lookup(s, k, e) != null ? null : lookupJoined(i, j, k, e);
        if (joined != null) {
          w = joined;
          j = e;
        }
      }
    }
    char type = w == null ? Type.NAME : w.type;
    int flags = 0;
    if (type == Type.NAME || w.has(SqlWord.CALLABLE)) {
      int next = skipSpaceAndComments(j);
      if (next < n && s[next] == '(') {
        type = Type.FUNCTION;
        flags = next == j ? SqlTokens.GLUED : 0;
      }
    }
    out.add(type, w, i, j, flags, 'w');
    return j;
  }

  private SqlWord lookupWord(int from, int to) {
    SqlWord w = SqlWord.lookup(s, from, to);
    if (w != null) {
      return w;
    }
    // A qualified name takes the danger or delay of its first or last part (master.dbo.xp_dirtree, utl_http.x).
    int firstDot = -1;
    int lastDot = -1;
    for (int k = from; k < to; k++) {
      out.work++;
      if (s[k] == '.') {
        lastDot = k;
        if (firstDot < 0) {
          firstDot = k;
        }
      }
    }
    if (firstDot < 0) {
      return null;
    }
    SqlWord last = SqlWord.lookup(s, lastDot + 1, to);
    if (last != null && (last.has(SqlWord.DANGER) || last.has(SqlWord.TIME_DELAY))) {
      return last;
    }
    SqlWord first = SqlWord.lookup(s, from, firstDot);
    if (first != null && first.has(SqlWord.DANGER)) {
      return first;
    }
    return null;
  }

  private SqlWord lookupJoined(int a0, int a1, int b0, int b1) {
    int length = (a1 - a0) + (b1 - b0);
    if (length > SqlWord.MAX_LENGTH) {
      return null;
    }
    char[] joined = new char[length];
    System.arraycopy(s, a0, joined, 0, a1 - a0);
    System.arraycopy(s, b0, joined, a1 - a0, b1 - b0);
    return SqlWord.lookup(joined, 0, length);
  }

  private int skipSpaceAndComments(int j) {
    while (j < n) {
      out.work++;
      char c = s[j];
      if (c <= ' ') {
        j++;
      } else if (c == '/' && j + 2 < n && s[j + 1] == '*' && s[j + 2] != '!') {
        int close = blockCommentEnd(j);
        if (close < 0) {
          return n;
        }
        j = close;
      } else if (c == '/' && j + 2 < n && s[j + 1] == '*') {
        int end = emptyVersionedCommentEnd(j); // sleep/*!80000*/(10): MySQL runs nothing there, at any version
        if (end < 0) {
          return j;
        }
        j = end;
      } else if (isDigit(c) && scientificNoOp(j) > j) {
        j = scientificNoOp(j);
      } else {
        return j;
      }
    }
    return j;
  }

  /** The end of an empty executable comment ({@code /*!}, digits, {@code *}{@code /}) at {@code j}, or -1. */
  private int emptyVersionedCommentEnd(int j) {
    int k = j + 2;
    if (k >= n || s[k] != '!') {
      return -1;
    }
    k++;
    while (k < n && isDigit(s[k])) {
      out.work++;
      k++;
    }
    return k + 1 < n && s[k] == '*' && s[k + 1] == '/' ? k + 2 : -1;
  }

  private int variable(int i) {
    int j = i + 1;
    if (j < n && s[j] == '@') {
      j++;
    }
    if (j < n && (s[j] == '\'' || s[j] == '"' || s[j] == '`')) {
      int close = closeQuote(j + 1, s[j], out.backslash);
      int to = close < 0 ? n : close;
      out.add(Type.VARIABLE, null, i, to, close < 0 ? SqlTokens.OPEN : 0, '@');
      return to;
    }
    if (j < n && isWordStart(s[j])) {
      int to = wordEnd(j);
      out.add(Type.VARIABLE, null, i, to, 0, '@');
      return to;
    }
    if (j == i + 1 && j < n && s[j] == '#') { // SQL Server's @# (declare @# int); not @$, Perl's dereference
      int to = j + 1;
      while (to < n && (isWordPart(s[to]) || s[to] == '#')) {
        out.work++;
        to++;
      }
      out.add(Type.VARIABLE, null, i, to, 0, '@');
      return to;
    }
    if (j == i + 1 && j < n && s[j] == '>') {
      out.add(Type.COMPARE, null, i, i + 2, 0, '@'); // PostgreSQL @> (contains)
      return i + 2;
    }
    out.add(Type.OTHER, null, i, j, 0, '@');
    return j;
  }

  /** Whether the token just read is an operand: a plain name, a literal, a variable or a closing parenthesis. */
  private boolean afterOperand() {
    int last = out.size - 1;
    if (last < 0) {
      return false;
    }
    char t = out.type[last];
    return (t == Type.NAME && out.word[last] == null) || t == Type.STRING || t == Type.NUMBER || t == Type.VARIABLE
        || t == Type.CLOSE_PAREN;
  }

  /**
   * Whether the token just read ends at {@code i} and is an SQL statement word or keyword ({@code SELECT},
   * {@code FROM}).
   */
  private boolean afterKeyword(int i) {
    int last = out.size - 1;
    return last >= 0 && out.end[last] == i && out.word[last] != null
        && (out.type[last] == Type.STATEMENT || out.type[last] == Type.KEYWORD);
  }

  /** SQL Server's [bracketed name], when it closes on the same line; a lone '[' is punctuation. */
  private int bracketName(int i) {
    for (int j = i + 1; j < n && j - i <= 128; j++) {
      out.work++;
      char c = s[j];
      if (c == ']') {
        if (j > i + 1) {
          out.add(Type.NAME, null, i, j + 1, 0, '[');
          return j + 1;
        }
        break;
      }
      if (!isWordPart(c) && c != ' ' && c != '.' && c != '-') {
        break;
      }
    }
    out.add(Type.OTHER, null, i, i + 1, 0, '[');
    return i + 1;
  }

  /** How far a dollar quote's closing delimiter may stand from its opening one: the lexer stays linear. */
  private static final int DOLLAR_REACH = 256;

  /**
   * Index just past the PostgreSQL dollar-quoted literal that starts at {@code i} ({@code $$…$$}, {@code $tag$…$tag$},
   * the tag a word that does not start with a digit), or -1. It must close within {@link #DOLLAR_REACH} characters.
   */
  private int dollarQuoteEnd(int i) {
    int j = i + 1;
    if (j < n && s[j] != '$' && !isWordStart(s[j])) {
      return -1;
    }
    while (j < n && s[j] != '$' && j - i <= 32) {
      out.work++;
      if (!isWordPart(s[j])) {
        return -1;
      }
      j++;
    }
    if (j >= n || s[j] != '$') {
      return -1;
    }
    int tag = j + 1 - i; // the delimiter's length, both dollars included
    for (int k = j + 1; k + tag <= n && k - j <= DOLLAR_REACH; k++) {
      out.work++;
      if (s[k] == '$' && java.util.Arrays.equals(s, k, k + tag, s, i, i + tag)) {
        return k + tag;
      }
    }
    return -1;
  }

  private int operator(int i) {
    char c = s[i];
    char d = i + 1 < n ? s[i + 1] : 0;
    char e = i + 2 < n ? s[i + 2] : 0;
    boolean spaced = i > 0 && s[i - 1] <= ' ';
    if (((c == '~' && spaced && (d <= ' ' || d == '*')) || (c == '!' && d == '~') || (c == '^' && d == '@'))
        && afterOperand()) {
      // PostgreSQL's regular-expression and prefix tests between two operands: name ~ '^adm', name !~* 'x', a ^@ 'b'
      int to = c == '~' ? (d == '*' ? i + 2 : i + 1) : (e == '*' && c == '!' ? i + 3 : i + 2);
      out.add(Type.COMPARE, null, i, to, 0, '~');
      return to;
    }
    if (c == '<' && d == '=' && e == '>') {
      out.add(Type.COMPARE, null, i, i + 3, 0, c);
      return i + 3;
    }
    if (c == '-' && d == '>' && e == '>') {
      out.add(Type.OPERATOR, null, i, i + 3, 0, c);
      return i + 3;
    }
    char two = 0;
    if ((c == '<' && (d == '=' || d == '>' || d == '@')) || (c == '>' && d == '=') || (c == '!' && d == '=')
        || (c == '=' && d == '=') || (c == '!' && (d == '<' || d == '>'))) {
      two = Type.COMPARE;
    } else if ((c == '|' && d == '|') || (c == '&' && d == '&')) {
      two = Type.LOGIC;
    } else if ((c == ':' && (d == ':' || d == '=')) || (c == '-' && d == '>') || (c == '<' && d == '<')
        || (c == '>' && d == '>') || (c == '~' && d == '*') || (c == '!' && d == '~')) {
      two = Type.OPERATOR;
    }
    if (two != 0) {
      out.add(two, null, i, i + 2, 0, c);
      return i + 2;
    }
    switch (c) {
      case '=': case '<': case '>':
        out.add(Type.COMPARE, null, i, i + 1, 0, c);
        break;
      case '+': case '-': case '*': case '/': case '%': case '^': case '|': case '&': case '~': case '!': case ':':
        out.add(Type.OPERATOR, null, i, i + 1, 0, c);
        break;
      default:
        out.add(Type.OTHER, null, i, i + 1, 0, c);
        break;
    }
    return i + 1;
  }

  /** Whether {@code s[from…]} is the rest of {@code &#NNN;} or {@code &#xHH;}: up to 7 digits and a {@code ;}. */
  private boolean isEntity(int from) {
    int j = from;
    boolean hex = j < n && (s[j] == 'x' || s[j] == 'X');
    if (hex) {
      j++;
    }
    int digits = 0;
    while (j < n && digits < 7 && (hex ? isHex(s[j]) : isDigit(s[j]))) {
      out.work++;
      j++;
      digits++;
    }
    return digits > 0 && j < n && s[j] == ';';
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isHex(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /**
   * After the {@code {} of an ODBC escape: MySQL reads {@code {identifier expr}} as {@code expr}, whatever the
   * identifier ({@code fn}, {@code d}, {@code x}), so {@code ' AND{x 1}=1--} is {@code ' AND 1=1--}. The identifier is
   * skipped when letters are followed by one blank and more; a brace before anything else is skipped alone.
   */
  private int odbcEscape(int i) {
    int j = i + 1;
    while (j < n && j - i <= 8 && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z'))) {
      out.work++;
      j++;
    }
    return j > i + 1 && j + 1 < n && s[j] == ' ' && s[j + 1] > ' ' ? j + 1 : i + 1;
  }

  /**
   * A NUL, a vertical tab, a form feed, an information separator or a format character (as the normalizer marks them)
   * or a line break: what a filter may strip from a word.
   */
  private static boolean isSplitMark(char c) {
    return c == SqlNormalizer.SPLIT_MARK || c == '\n' || c == '\r';
  }

  static boolean isWordStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= 0x80 && Character.isLetter(c));
  }

  static boolean isWordPart(char c) {
    return isWordStart(c) || isDigit(c) || c == '$';
  }
}
