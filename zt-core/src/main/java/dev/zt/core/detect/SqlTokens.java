package dev.zt.core.detect;

import dev.zt.core.detect.SqlWord.Type;
import java.util.Arrays;

/**
 * A token stream as parallel arrays: type letter, the word it spells (if any), its span in the normalized value,
 * flags, and for operators the operator's first character. The arrays start small and double when full, so a long
 * value costs memory in proportion to its tokens, not its characters.
 */
final class SqlTokens {

  /** A string, identifier or block comment that runs to the end of the value without its closing delimiter. */
  static final int OPEN = 1;
  /** A function call whose {@code (} touches the name, as code writes it and prose rarely does. */
  static final int GLUED = 1 << 1;
  /** The merged {@code WAITFOR DELAY} / {@code WAITFOR TIME}. */
  static final int WAITFOR_DELAY = 1 << 2;
  /** An operand that arithmetic folding merged others into. */
  static final int FOLDED = 1 << 3;
  /** An operand that folding merged two or more words into: a list like {@code -shoes -sandals}, not arithmetic. */
  static final int WORD_CHAIN = 1 << 4;
  /** A {@code #} comment that a letter or digit follows: in text, a number sign or a hashtag. */
  static final int HASH_WORD = 1 << 5;
  /** An operand that folding merged with a word: {@code 15"&page}, not literal arithmetic. */
  static final int FOLDED_NAME = 1 << 6;
  /**
   * A {@code #} comment, or a {@code --} comment glued to what follows, that holds the context's quote further on:
   * a quoted option, arrow or symbol ({@code '--with-x'}, {@code "-----BEGIN"}, {@code --> 'x'}, {@code "#"}),
   * not the end of an injection.
   */
  static final int QUOTED_OPTION = 1 << 7;
  /** The merged {@code INTO OUTFILE} / {@code INTO DUMPFILE}. */
  static final int INTO_FILE = 1 << 8;
  /** The literal a quoted context starts with holds whitespace: the value before its quote reads as words. */
  static final int SPACED = 1 << 9;
  /** The literal a quoted context starts with holds whitespace anywhere, even only before its closing quote. */
  static final int LOOSE = 1 << 10;
  /**
   * The quote that ends the literal a quoted context starts with follows whitespace, {@code =} or {@code (}: in text
   * and code such a quote opens a string ({@code -W '--x}, {@code opts='--x}, {@code run("…")}), so it is recorded
   * before folding can move the literal's end.
   */
  static final int QUOTE_OPENS = 1 << 11;
  /**
   * An operand that folding merged with a lone quote that the value leaves open: the value closed the
   * application's literal, applied an operator and opened a new literal that the application's own quote closes
   * ({@code '-'}, {@code '&'}, {@code '+0+'}): MySQL converts both strings to numbers, so the test becomes
   * {@code name = 0}.
   */
  static final int OPEN_TAIL = 1 << 12;
  /**
   * An operand that folding merged, through {@code |} or {@code ^}, with a literal that the value leaves open and
   * that holds one word ({@code A' | 'B}, {@code x'^'y}): MySQL converts both strings to numbers as for
   * {@link #OPEN_TAIL}, and a bitwise operator between two quoted words is no measurement ({@code 6'-7'}) or prose.
   */
  static final int BITWISE_TAIL = 1 << 13;
  /** On an INSERT: SQL Server's {@code BULK INSERT}, folded into one verb. */
  static final int BULK = 1 << 14;
  /** On a literal: cast to PostgreSQL's {@code json} or {@code jsonb} ({@code '{"a":1}'::jsonb}), folded into it. */
  static final int JSON_CAST = 1 << 15;

  char[] type;
  SqlWord[] word;
  int[] start;
  int[] end;
  int[] flags;
  char[] op;
  int size;
  /** Whether literals were lexed with MySQL backslash escapes. */
  final boolean backslash;
  /** Whether the value held a block comment (closed, open or executable): SQL, never prose. */
  boolean blockComment;
  /** The normalized text the spans point into; read, never written. */
  char[] text;
  /**
   * Work done on this stream: characters the lexer stepped over and tokens the judge looked at (every accessor
   * below counts one). Read only by the linearity test, which proves it linear in the value's length.
   */
  long work;

  SqlTokens(int capacity, boolean backslash) {
    this.backslash = backslash;
    type = new char[capacity];
    word = new SqlWord[capacity];
    start = new int[capacity];
    end = new int[capacity];
    flags = new int[capacity];
    op = new char[capacity];
  }

  void add(char tokenType, SqlWord tokenWord, int from, int to, int tokenFlags, char operator) {
    if (size == type.length) {
      grow();
    }
    int i = size++;
    type[i] = tokenType;
    word[i] = tokenWord;
    start[i] = from;
    end[i] = to;
    flags[i] = tokenFlags;
    op[i] = operator;
  }

  private void grow() {
    int capacity = type.length * 2;
    type = Arrays.copyOf(type, capacity);
    word = Arrays.copyOf(word, capacity);
    start = Arrays.copyOf(start, capacity);
    end = Arrays.copyOf(end, capacity);
    flags = Arrays.copyOf(flags, capacity);
    op = Arrays.copyOf(op, capacity);
  }

  /** Moves token {@code from} to position {@code size} (never ahead of it) and counts it. */
  void keep(int from) {
    int i = size++;
    type[i] = type[from];
    word[i] = word[from];
    start[i] = start[from];
    end[i] = end[from];
    flags[i] = flags[from];
    op[i] = op[from];
  }

  /** Whether the token at {@code i} spells {@code lower}, ASCII case-insensitive. */
  boolean spells(int i, String lower) {
    return i >= 0 && i < size && end[i] - start[i] == lower.length() && startsWith(i, lower);
  }

  /** As {@link #spells}, for a token the fold has read but not kept yet (it reads past {@link #size}). */
  boolean spellsAhead(int i, String lower) {
    return i >= 0 && i < type.length && text != null && end[i] - start[i] == lower.length() && opensWith(i, lower);
  }

  /** Whether the token at {@code i} starts with {@code lower}, ignoring ASCII case. */
  boolean startsWith(int i, String lower) {
    return i >= 0 && i < size && text != null && end[i] - start[i] >= lower.length() && opensWith(i, lower);
  }

  private boolean opensWith(int i, String lower) {
    for (int k = 0; k < lower.length(); k++) {
      work++;
      if (SqlWord.lower(text[start[i] + k]) != lower.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** Whether tokens {@code i} and {@code j} spell the same text, ignoring ASCII case. */
  boolean sameText(int i, int j) {
    if (i < 0 || i >= size || j < 0 || j >= size || text == null || end[i] - start[i] != end[j] - start[j]) {
      return false;
    }
    for (int k = 0; k < end[i] - start[i]; k++) {
      work++;
      if (SqlWord.lower(text[start[i] + k]) != SqlWord.lower(text[start[j] + k])) {
        return false;
      }
    }
    return true;
  }

  /** Whether a comment token at {@code i} holds a letter or a digit after its {@code --} or {@code #}. */
  boolean letters(int i) {
    return commentHolds(i, true);
  }

  /**
   * Whether a comment token at {@code i} holds text after its {@code --} or {@code #}: anything but comment marks
   * ({@code - # / * +}) and whitespace, so {@code -- x} and {@code -- \\} (a shell line continuation) do and
   * {@code -- -} does not.
   */
  boolean holdsText(int i) {
    return commentHolds(i, false);
  }

  /** {@link #letters} when {@code lettersOnly}, else {@link #holdsText}: one scan of the comment's content. */
  private boolean commentHolds(int i, boolean lettersOnly) {
    if (i < 0 || i >= size || text == null) {
      return false;
    }
    for (int k = start[i] + (op[i] == '-' ? 2 : 1); k < end[i] && k < text.length; k++) {
      work++;
      char c = text[k];
      if (lettersOnly ? Character.isLetterOrDigit(c) : c > ' ' && "-#/*+".indexOf(c) < 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the token at {@code i} holds whitespace in its span; read while folding, so {@code i} may lie past
   * {@link #size} (a token not yet kept).
   */
  boolean blank(int i) {
    if (i < 0 || i >= type.length || text == null) {
      return false;
    }
    for (int k = start[i]; k < end[i] && k < text.length; k++) {
      work++;
      if (text[k] <= ' ') {
        return true;
      }
    }
    return false;
  }

  /** Whether the token at {@code i} holds {@code c} in its span. */
  boolean spans(int i, char c) {
    if (i < 0 || i >= size || text == null) {
      return false;
    }
    for (int k = start[i]; k < end[i] && k < text.length; k++) {
      work++;
      if (text[k] == c) {
        return true;
      }
    }
    return false;
  }

  /** The type at {@code i}, or {@link Type#END} past the last token. */
  char typeAt(int i) {
    work++;
    return i >= 0 && i < size ? type[i] : Type.END;
  }

  SqlWord wordAt(int i) {
    work++;
    return i >= 0 && i < size ? word[i] : null;
  }

  boolean is(int i, SqlWord w) {
    work++;
    return i >= 0 && i < size && word[i] == w;
  }

  boolean has(int i, int flag) {
    work++;
    return i >= 0 && i < size && (flags[i] & flag) != 0;
  }

  /** Whether the token at {@code i} carries the given {@link SqlWord} flag. */
  boolean wordHas(int i, int wordFlag) {
    work++;
    return i >= 0 && i < size && word[i] != null && word[i].has(wordFlag);
  }

  // The parentheses of the folded stream, matched once (built on first use, after folding), three ints per token:
  // for each '(' the index of its ')' (or -1 when it never closes), of its first ',' at depth one (or -1), and 1 when
  // a known SQL or dangerous call or a SELECT stands anywhere inside it. Rules read these instead of scanning an
  // argument list, so a run of nested calls costs one pass, not a scan per call.
  private int[] parens;

  /** The index of the {@code )} closing the {@code (} at {@code open}, or -1 (not a {@code (}, or never closed). */
  int closeOf(int open) {
    return isOpen(open) ? parens[3 * open] : -1;
  }

  /** The index of the first {@code ,} directly inside the {@code (} at {@code open}, or -1. */
  int commaOf(int open) {
    return isOpen(open) ? parens[3 * open + 1] : -1;
  }

  /** Whether a known SQL or dangerous function is called, or SELECT stands, anywhere inside the {@code (} at open. */
  boolean sqlInside(int open) {
    return isOpen(open) && parens[3 * open + 2] != 0;
  }

  private boolean isOpen(int i) {
    work++;
    if (i < 0 || i >= size || type[i] != SqlWord.Type.OPEN_PAREN) {
      return false;
    }
    if (parens == null) {
      matchParentheses();
    }
    return true;
  }

  private void matchParentheses() {
    int[] p = new int[3 * size];
    int top = -1; // the innermost '(' still open; while open, its close slot holds its parent as -2 - parent
    for (int j = 0; j < size; j++) {
      work++;
      char t = type[j];
      if (t == SqlWord.Type.OPEN_PAREN) {
        p[3 * j] = -2 - top;
        p[3 * j + 1] = -1;
        top = j;
      } else if (t == SqlWord.Type.CLOSE_PAREN) {
        if (top >= 0) {
          top = close(p, top, j);
        }
      } else if (top >= 0) {
        if (t == SqlWord.Type.COMMA && p[3 * top + 1] < 0) {
          p[3 * top + 1] = j;
        }
        if ((t == SqlWord.Type.FUNCTION && word[j] != null
            && (word[j].has(SqlWord.SQL_FUNCTION) || word[j].has(SqlWord.DANGER))) || word[j] == SqlWord.SELECT
            || (t == SqlWord.Type.VARIABLE && systemVariable(j))) {
          p[3 * top + 2] = 1;
        }
      }
    }
    while (top >= 0) { // parentheses that never close hold what their inner ones hold
      work++;
      top = close(p, top, -1);
    }
    parens = p;
  }

  /** Whether the variable at {@code j} is a system variable: {@code @@version}, {@code @@servername}. */
  private boolean systemVariable(int j) {
    return text != null && end[j] - start[j] > 2 && text[start[j]] == '@' && text[start[j] + 1] == '@';
  }

  /** Closes the open {@code (} at {@code open} at {@code at} (-1: never), passes what it holds up; its parent. */
  private static int close(int[] p, int open, int at) {
    int parent = -2 - p[3 * open];
    p[3 * open] = at;
    if (parent >= 0 && p[3 * open + 2] != 0) {
      p[3 * parent + 2] = 1;
    }
    return parent;
  }

  /** The fingerprint: the type letters of the first {@code max} tokens. */
  String fingerprint(int max) {
    int n = Math.min(size, max);
    return new String(type, 0, n);
  }
}
