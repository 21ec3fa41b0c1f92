package dev.zt.core.detect;

/**
 * The compact SQL vocabulary the lexer knows: each constant is one role a word can play, with every spelling that
 * plays it. A word not listed is a plain name. The list is deliberately short: words that only a complete SQL
 * grammar needs (join kinds, type names, most functions) do not change whether a value is an injection, so they
 * stay plain names. Dialects covered: MySQL/MariaDB, PostgreSQL, SQL Server, Oracle, SQLite.
 *
 * <p>The lookup table is built once when the class loads and never written again.
 */
enum SqlWord {
  // Statement verbs: judged by the statement that follows them, never by the word alone ("select your size").
  SELECT(Type.STATEMENT, 0, "select"),
  INSERT(Type.STATEMENT, SqlWord.CALLABLE, "insert"),
  REPLACE(Type.STATEMENT, SqlWord.CALLABLE | SqlWord.SQL_FUNCTION, "replace"),
  UPDATE(Type.STATEMENT, 0, "update"),
  DELETE(Type.STATEMENT, 0, "delete"),
  DDL(Type.STATEMENT, 0, "drop", "create", "alter", "rename"),
  TRUNCATE(Type.STATEMENT, SqlWord.CALLABLE, "truncate"),
  EXEC(Type.STATEMENT, 0, "exec", "execute"),
  DECLARE(Type.STATEMENT, 0, "declare"),
  SET(Type.STATEMENT, 0, "set"),
  /** {@code SHUTDOWN}, and SQL Server's {@code RECONFIGURE} (after {@code sp_configure}): whole statements alone. */
  SHUTDOWN(Type.STATEMENT, 0, "shutdown", "reconfigure"),
  PREPARE(Type.STATEMENT, 0, "prepare"),
  CALL(Type.STATEMENT, 0, "call"),
  VALUES(Type.STATEMENT, 0, "values"),
  /** Privileges: {@code GRANT ALL ON *.* TO …}, {@code REVOKE … FROM …}, SQL Server's {@code DENY INSERT ON t TO …}. */
  GRANT(Type.STATEMENT, 0, "grant", "revoke", "deny"),
  /** SQL Server {@code BACKUP DATABASE … TO DISK}, {@code RESTORE DATABASE …}. */
  BACKUP(Type.STATEMENT, 0, "backup", "restore"),
  /** PostgreSQL {@code COPY t FROM PROGRAM '…'}, {@code COPY (SELECT …) TO '…'}. */
  COPY(Type.STATEMENT, 0, "copy"),
  /** SQL Server {@code PRINT @@version}. */
  PRINT(Type.STATEMENT, 0, "print"),
  /** MySQL / Oracle {@code DESC users}, {@code DESCRIBE users}: only with a terminator after the table. */
  DESCRIBE(Type.STATEMENT, 0, "desc", "describe"),
  /** SQLite {@code PRAGMA table_info('users')}, {@code ATTACH DATABASE '/x.db' AS x}. */
  SQLITE(Type.STATEMENT, 0, "pragma", "attach"),

  UNION(Type.UNION, 0, "union", "except", "intersect"),
  LOGIC(Type.LOGIC, 0, "and", "or", "xor"),
  NOT(Type.NOT, 0, "not"),
  /** MySQL's {@code BINARY x}: a prefix that changes no operand's role ({@code binary 1=binary 2}), dropped as NOT. */
  BINARY(Type.NOT, 0, "binary"),
  /** Comparisons spelled as words; {@code IS} and {@code NOT} merge with them in folding. */
  COMPARE(Type.COMPARE, 0, "between", "in", "notnull", "match"),
  /** Comparisons that SQLite and MySQL also offer as functions: {@code like(x, y)}, {@code glob(x, y)}. */
  PATTERN(Type.COMPARE, SqlWord.CALLABLE, "like", "rlike", "regexp", "ilike", "glob"),
  IS(Type.COMPARE, 0, "is"),
  SOUNDS(Type.COMPARE, 0, "sounds"),
  SIMILAR(Type.COMPARE, 0, "similar"),
  ARITHMETIC(Type.OPERATOR, SqlWord.CALLABLE, "div", "mod", "collate"),
  LITERAL(Type.NUMBER, 0, "null", "false"),
  /** {@code OR TRUE} is a tautology by itself. */
  TRUE(Type.NUMBER, 0, "true"),

  ORDER(Type.NAME, 0, "order"),
  GROUP(Type.NAME, 0, "group"),
  BY(Type.KEYWORD, 0, "by"),
  FROM(Type.KEYWORD, 0, "from"),
  WHERE(Type.KEYWORD, 0, "where"),
  INTO(Type.KEYWORD, 0, "into"),
  TO(Type.KEYWORD, 0, "to"),
  /** Clause words that appear in SQL and almost never in prose right after a closing quote. */
  CLAUSE(Type.KEYWORD, 0, "having", "limit", "offset", "procedure"),
  /** What {@code COPY} reads from or writes to, besides a file name. */
  STREAM(Type.KEYWORD, 0, "program", "stdin", "stdout"),
  QUANTIFIER(Type.KEYWORD, 0, "all", "distinct", "distinctrow", "top"),
  CASE(Type.KEYWORD, 0, "case"),
  WHEN(Type.KEYWORD, 0, "when"),
  AS(Type.KEYWORD, 0, "as"),
  ON(Type.KEYWORD, 0, "on"),
  OTHER(Type.KEYWORD, 0, "then", "else", "end", "escape", "for", "using"),
  /** Dangerous only after INTO (folding merges the two). */
  OUTFILE(Type.KEYWORD, 0, "outfile", "dumpfile"),
  /**
   * What DDL acts on. Followed by {@code (} it is a call, but of no SQL function: {@code function(x) {…}} is
   * JavaScript's, {@code table(…)} and {@code index(…)} any language's.
   */
  OBJECT(Type.KEYWORD, SqlWord.CALLABLE, "table", "view", "function", "index", "trigger", "login"),
  /** What DDL acts on that is also a function SQL has: {@code user()}, {@code database()}, {@code schema()}. */
  OBJECT_FUNCTION(Type.KEYWORD, SqlWord.CALLABLE | SqlWord.SQL_FUNCTION, "database", "schema", "user"),
  WAITFOR(Type.NAME, 0, "waitfor"),
  DELAY(Type.KEYWORD, 0, "delay"),
  TIME(Type.NAME, SqlWord.SQL_FUNCTION, "time"),

  /** Functions that injections use to read, convert or probe data. A call after a logic operator is a predicate. */
  FUNCTION(Type.NAME, SqlWord.SQL_FUNCTION,
      "ascii", "bin", "cast", "char", "chr", "char_length", "coalesce", "compress", "concat", "concat_ws", "conv",
      "convert", "count", "current_user", "current_database", "current_setting", "db_name", "elt", "exists",
      "find_in_set", "floor", "greatest", "group_concat", "hex", "if", "iif", "ifnull", "isnull", "instr",
      "is_srvrolemember", "json_array", "json_extract", "json_keys", "json_search", "left", "length", "len",
      "lower", "make_set", "md5", "mid", "nullif", "ord", "rand", "right", "row", "schema_name",
      "session_user", "sha1", "sqlite_version", "starts_with", "strcmp", "string_agg", "substr", "substring",
      "substring_index", "suser_name", "system_user", "unhex", "unistr", "upper", "version", "overlay",
      "sqlite_compileoption_get", "sqlite_compileoption_used", "uncompress", "user_name", "host_name",
      // MySQL's information functions no prose or everyday code calls (ninth round: CHARSET(CURRENT_USER()))
      "charset", "coercibility", "connection_id", "found_rows", "last_insert_id"),
  /** MySQL SLEEP: also an English word, so judged by its arguments. */
  SLEEP(Type.NAME, SqlWord.SQL_FUNCTION | SqlWord.TIME_DELAY, "sleep"),
  /** SQLite {@code RANDOMBLOB(n)}: a heavy query when n is large; judged by its arguments like SLEEP. */
  HEAVY(Type.NAME, SqlWord.SQL_FUNCTION | SqlWord.TIME_DELAY, "randomblob"),
  /** MySQL BENCHMARK(count, expr): also an English word, so it needs its two arguments. */
  BENCHMARK(Type.NAME, SqlWord.SQL_FUNCTION | SqlWord.TIME_DELAY, "benchmark"),
  /** Delay functions no prose spells. */
  DELAY_FUNCTION(Type.NAME, SqlWord.SQL_FUNCTION | SqlWord.TIME_DELAY,
      "pg_sleep", "pg_sleep_for", "dbms_lock.sleep", "dbms_session.sleep", "dbms_pipe.receive_message"),
  /** Functions whose call is itself the attack: error-based extraction, file reads, out-of-band requests. */
  DANGER_FUNCTION(Type.NAME, SqlWord.SQL_FUNCTION | SqlWord.DANGER,
      "extractvalue", "updatexml", "load_file", "xmltype", "name_const", "lo_import", "lo_export", "pg_read_file",
      "pg_ls_dir", "lo_get", "sys_eval", "sys_exec", "geometrycollection", "multipoint", "multipolygon",
      "multilinestring", "linestring", "polygon", "utl_inaddr.get_host_address", "utl_http.request",
      "dbms_xmlgen.getxml", "dbms_ldap.init", "gtid_subset", "gtid_subtract", "dbms_scheduler", "dbms_java",
      "dbms_xmlquery", "query_to_xml", "query_to_xml_and_xmlschema"),
  /** Procedures and packages that run commands or reach the network; their name alone is the attack. */
  DANGER_NAME(Type.NAME, SqlWord.DANGER,
      "xp_cmdshell", "xp_dirtree", "xp_regread", "xp_fileexist", "xp_servicecontrol", "sp_oacreate", "sp_oamethod",
      "sp_makewebtask", "sp_addlogin", "sp_configure", "openrowset", "opendatasource", "utl_http", "utl_inaddr",
      "utl_file", "dbms_pipe", "dbms_ldap", "dbms_xmlgen");

  /** A word that becomes a function call when {@code (} follows it. Plain names always do. */
  static final int CALLABLE = 1;
  /** A known SQL function. */
  static final int SQL_FUNCTION = 1 << 1;
  /** Delays the query: time-based blind injection. */
  static final int TIME_DELAY = 1 << 2;
  /** Reads files, runs commands, reaches the network or forces errors that leak data. */
  static final int DANGER = 1 << 3;

  /** Token types, also the letters of a fingerprint. */
  static final class Type {
    static final char STRING = 's';
    static final char NUMBER = '1';
    static final char NAME = 'n';
    static final char VARIABLE = 'v';
    static final char KEYWORD = 'k';
    static final char STATEMENT = 'E';
    static final char UNION = 'U';
    static final char ORDER_BY = 'B';
    static final char LOGIC = '&';
    static final char NOT = '!';
    static final char COMPARE = '=';
    static final char OPERATOR = 'o';
    static final char FUNCTION = 'f';
    static final char OPEN_PAREN = '(';
    static final char CLOSE_PAREN = ')';
    static final char COMMA = ',';
    static final char SEMICOLON = ';';
    static final char COMMENT = 'c';
    static final char OTHER = 'X';
    /** Returned past the last token, so rules can look ahead without bounds checks. */
    static final char END = '$';

    private Type() {}
  }

  final char type;
  final int flags;
  private final String[] spellings;

  SqlWord(char type, int flags, String... spellings) {
    this.type = type;
    this.flags = flags;
    this.spellings = spellings;
  }

  boolean has(int flag) {
    return (flags & flag) != 0;
  }

  // Open addressing over String.hashCode of the lower-case spelling; written only by the static initializer.
  private static final int SLOTS = 512;
  private static final String[] KEYS = new String[SLOTS];
  private static final SqlWord[] WORDS = new SqlWord[SLOTS];
  static final int MAX_LENGTH;

  static {
    int max = 0;
    for (SqlWord word : values()) {
      for (String spelling : word.spellings) {
        int slot = spread(spelling.hashCode());
        while (KEYS[slot] != null) {
          if (KEYS[slot].equals(spelling)) {
            throw new IllegalStateException("duplicate SQL word " + spelling);
          }
          slot = (slot + 1) & (SLOTS - 1);
        }
        KEYS[slot] = spelling;
        WORDS[slot] = word;
        max = Math.max(max, spelling.length());
      }
    }
    MAX_LENGTH = max;
  }

  private static int spread(int hash) {
    return (hash ^ (hash >>> 9) ^ (hash >>> 17)) & (SLOTS - 1);
  }

  /** The word spelled by {@code text[from, to)}, ASCII case-insensitive, or null. Allocates nothing. */
  static SqlWord lookup(char[] text, int from, int to) {
    int length = to - from;
    if (length < 2 || length > MAX_LENGTH) {
      return null;
    }
    int hash = 0;
    for (int i = from; i < to; i++) {
      char c = text[i];
      if (c >= 0x80) {
        return null;
      }
      hash = 31 * hash + lower(c);
    }
    int slot = spread(hash);
    for (String key = KEYS[slot]; key != null; key = KEYS[slot]) {
      if (key.length() == length && sameLowerCase(key, text, from)) {
        return WORDS[slot];
      }
      slot = (slot + 1) & (SLOTS - 1);
    }
    return null;
  }

  private static boolean sameLowerCase(String key, char[] text, int from) {
    for (int i = 0; i < key.length(); i++) {
      if (key.charAt(i) != lower(text[from + i])) {
        return false;
      }
    }
    return true;
  }

  static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
  }
}
