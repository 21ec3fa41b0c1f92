package dev.zt.policy;

import java.util.Map;

/**
 * {@code ${NAME}} and {@code ${NAME:-default}} in scalar values, replaced by the environment's value (an unset
 * {@code NAME} without a default is a problem; an empty value counts as set). {@code $${} is a literal {@code ${}. A
 * replacement is text, never re-read: a value holding {@code ${X}} stays as it is, and YAML syntax in it means
 * nothing. Keys are never substituted.
 *
 * <p>A plain (unquoted) scalar that is one whole reference ({@code allow_plain_http_key_source:
 * ${ZT_ALLOW_PLAIN_HTTP:-false}}, {@code capacity: ${ORDERS_LIMIT:-50}}) takes the type its replacement spells:
 * {@code true} / {@code false} a boolean, a decimal integer a number; anything else, and every quoted or partial
 * reference ({@code "${TENANT}"}, {@code https://${HOST}/}), stays text. Quote a reference to keep a digit string a
 * string.
 */
final class EnvSubstitution {

  private final Map<String, String> env;
  private final Problems problems;

  EnvSubstitution(Map<String, String> env, Problems problems) {
    this.env = Map.copyOf(env);
    this.problems = problems;
  }

  String substitute(String value, String pointer, int line) {
    if (value.indexOf('$') < 0) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length());
    int i = 0;
    while (i < value.length()) {
      char c = value.charAt(i);
      if (c == '$' && value.startsWith("$${", i)) {
        out.append("${");
        i += 3;
        continue;
      }
      if (c == '$' && value.startsWith("${", i)) {
        int end = value.indexOf('}', i + 2);
        if (end < 0) {
          problems.add(pointer, line, "unclosed '${': write '$${' for a literal '${'");
          return value;
        }
        String ref = value.substring(i + 2, end);
        int dflt = ref.indexOf(":-");
        String name = dflt < 0 ? ref : ref.substring(0, dflt);
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]{0,127}")) {
          problems.add(pointer, line, "'${" + (name.length() > 40 ? name.substring(0, 40) + "…" : name)
              + "}' is not an environment reference (a name of letters, digits and '_'); write '$${' for a literal '${'");
          return value;
        }
        String v = env.get(name);
        if (v == null) {
          if (dflt < 0) {
            problems.add(pointer, line, "environment variable " + name + " is not set (and no default: ${" + name
                + ":-default})");
            v = "";
          } else {
            v = ref.substring(dflt + 2);
          }
        }
        out.append(v);
        i = end + 1;
        continue;
      }
      out.append(c);
      i++;
    }
    return out.toString();
  }

  private static final java.util.regex.Pattern WHOLE = java.util.regex.Pattern.compile("\\$\\{[^}]*}");
  private static final java.util.regex.Pattern INTEGER = java.util.regex.Pattern.compile("-?(0|[1-9][0-9]{0,17})");

  /** Whether {@code raw} (before substitution) is exactly one reference: {@code ${NAME}} or {@code ${NAME:-x}}. */
  static boolean isWholeReference(String raw) {
    return WHOLE.matcher(raw).matches();
  }

  /** A whole reference's replacement as YAML 1.2's core schema would type it: boolean, integer, else text. */
  static Object typed(String replaced) {
    if (replaced.equals("true") || replaced.equals("false")) {
      return Boolean.valueOf(replaced);
    }
    if (INTEGER.matcher(replaced).matches()) {
      return Long.valueOf(replaced);
    }
    return replaced;
  }
}
