package dev.zt.policy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * A policy document read as YAML 1.2 (core schema: {@code yes} and {@code on} stay strings) into plain Java values
 * ({@code LinkedHashMap}, {@code ArrayList}, {@code String}, {@code Long}, {@code Double}, {@code Boolean},
 * {@code null}) with the line of every node by JSON pointer. Input, so bounded: size, nesting depth, aliases and the
 * number of nodes after alias expansion (a "billion laughs" document is refused, not expanded); duplicate keys,
 * non-string keys, tags and several documents are refused. Environment references are substituted in scalar values
 * (never in keys) as the tree is built.
 */
final class YamlTree {

  static final int MAX_CHARS = 1 << 20;
  static final int MAX_DEPTH = 64;
  static final int MAX_ALIASES = 50;
  static final int MAX_NODES = 100_000;

  final Object root;
  final Map<String, Integer> lines;

  private YamlTree(Object root, Map<String, Integer> lines) {
    this.root = root;
    this.lines = lines;
  }

  /** The line of {@code pointer}, or of its nearest ancestor that has one; 0 when unknown. */
  int line(String pointer) {
    String p = pointer;
    while (true) {
      Integer l = lines.get(p);
      if (l != null) {
        return l;
      }
      if (p.isEmpty()) {
        return 0;
      }
      int slash = p.lastIndexOf('/');
      p = slash <= 0 ? "" : p.substring(0, slash);
    }
  }

  static YamlTree read(String name, String text, EnvSubstitution env, Problems problems) {
    if (text.length() > MAX_CHARS) {
      problems.add("", 0, "the file is larger than 1 MiB: refused");
      return null;
    }
    LoadSettings settings = LoadSettings.builder()
        .setLabel(name)
        .setSchema(new CoreSchema())
        .setAllowDuplicateKeys(false)
        .setAllowRecursiveKeys(false)
        .setAllowNonScalarKeys(false)
        .setMaxAliasesForCollections(MAX_ALIASES)
        .setCodePointLimit(MAX_CHARS + 1)
        .setUseMarks(true)
        .build();
    try {
      // the parser is iterative: bound the depth before the (recursive) composer sees the document
      int depth = 0;
      int documents = 0;
      ParserImpl events = new ParserImpl(settings, new StreamReader(settings, text));
      while (events.hasNext()) {
        Event e = events.next();
        switch (e.getEventId()) {
          case MappingStart, SequenceStart -> {
            if (++depth > MAX_DEPTH) {
              problems.add("", lineOf(e.getStartMark()), "nested deeper than " + MAX_DEPTH + " levels: refused");
              return null;
            }
          }
          case MappingEnd, SequenceEnd -> depth--;
          case DocumentStart -> {
            if (++documents > 1) {
              problems.add("", lineOf(e.getStartMark()), "more than one YAML document: a policy is one document");
              return null;
            }
          }
          default -> { }
        }
      }
      Optional<Node> node = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, text)))
          .getSingleNode();
      if (node.isEmpty()) {
        problems.add("", 0, "the file is empty");
        return null;
      }
      Map<String, Integer> lines = new HashMap<>();
      Walker w = new Walker(env, problems, lines);
      Object root = w.value(node.get(), "");
      return w.failed ? null : new YamlTree(root, lines);
    } catch (MarkedYamlEngineException e) {
      problems.add("", lineOf(e.getProblemMark()), "not valid YAML: " + e.getProblem());
      return null;
    } catch (YamlEngineException e) {
      problems.add("", 0, "not valid YAML: " + e.getMessage());
      return null;
    } catch (StackOverflowError e) {
      problems.add("", 0, "nested too deeply: refused");
      return null;
    }
  }

  static int lineOf(Optional<Mark> mark) {
    return mark.map(m -> m.getLine() + 1).orElse(0);
  }

  /** Escapes a key as a JSON pointer reference token (RFC 6901 §3). */
  static String token(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  private static final class Walker {
    private final EnvSubstitution env;
    private final Problems problems;
    private final Map<String, Integer> lines;
    private int nodes;
    boolean failed;

    Walker(EnvSubstitution env, Problems problems, Map<String, Integer> lines) {
      this.env = env;
      this.problems = problems;
      this.lines = lines;
    }

    Object value(Node node, String pointer) {
      if (++nodes > MAX_NODES) {
        if (!failed) {
          problems.add(pointer, lineOf(node.getStartMark()), "more than " + MAX_NODES
              + " nodes once aliases are expanded: refused");
        }
        failed = true;
        return null;
      }
      if (failed) {
        return null;
      }
      lines.putIfAbsent(pointer, lineOf(node.getStartMark()));
      if (node instanceof MappingNode m) {
        checkTag(node, Tag.MAP, pointer);
        Map<String, Object> map = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
          if (!(t.getKeyNode() instanceof ScalarNode k)
              || !k.getTag().equals(Tag.STR) && !k.getTag().equals(Tag.ENV_TAG)) {
            problems.add(pointer, lineOf(t.getKeyNode().getStartMark()), "keys must be strings");
            failed = true;
            continue;
          }
          String key = k.getValue();
          String child = pointer + "/" + token(key);
          if (key.contains("${")) {
            problems.add(child, lineOf(k.getStartMark()),
                "'${' in a key: environment references are substituted in values only, never in keys");
          }
          if (map.containsKey(key)) {
            problems.add(child, lineOf(k.getStartMark()), "duplicate key '" + key + "'");
            failed = true;
            continue;
          }
          lines.put(child, lineOf(k.getStartMark()));
          map.put(key, value(t.getValueNode(), child));
        }
        return map;
      }
      if (node instanceof SequenceNode s) {
        checkTag(node, Tag.SEQ, pointer);
        List<Object> list = new ArrayList<>();
        int i = 0;
        for (Node n : s.getValue()) {
          list.add(value(n, pointer + "/" + i++));
        }
        return list;
      }
      ScalarNode s = (ScalarNode) node;
      Tag tag = s.getTag();
      String v = s.getValue();
      if (tag.equals(Tag.STR) || tag.equals(Tag.ENV_TAG) && s.getScalarStyle() == ScalarStyle.PLAIN) {
        // a plain ${X} resolves to the engine's own env tag, which is ours to substitute
        String out = env.substitute(v, pointer, lineOf(s.getStartMark()));
        return s.getScalarStyle() == ScalarStyle.PLAIN && EnvSubstitution.isWholeReference(v)
            ? EnvSubstitution.typed(out) : out;
      }
      if (s.getScalarStyle() != ScalarStyle.PLAIN) {
        checkTag(node, Tag.STR, pointer);
        return v;
      }
      if (tag.equals(Tag.NULL)) {
        return null;
      }
      if (tag.equals(Tag.BOOL)) {
        return Boolean.parseBoolean(v.toLowerCase(java.util.Locale.ROOT));
      }
      if (tag.equals(Tag.INT)) {
        try {
          BigInteger b = v.startsWith("0x") ? new BigInteger(v.substring(2), 16)
              : v.startsWith("0o") ? new BigInteger(v.substring(2), 8) : new BigInteger(v);
          return b.bitLength() < 64 ? (Object) b.longValue() : (Object) b;
        } catch (NumberFormatException e) {
          problems.add(pointer, lineOf(s.getStartMark()), "not an integer: " + v);
          return null;
        }
      }
      if (tag.equals(Tag.FLOAT)) {
        double d;
        try {
          d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
          d = Double.NaN;
        }
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          problems.add(pointer, lineOf(s.getStartMark()), "not a finite number: " + v);
          return null;
        }
        return d;
      }
      checkTag(node, Tag.STR, pointer);
      return v;
    }

    private void checkTag(Node node, Tag expected, String pointer) {
      if (!node.getTag().equals(expected)) {
        problems.add(pointer, lineOf(node.getStartMark()), "YAML tags are not allowed (" + node.getTag() + ")");
        failed = true;
      }
    }
  }
}
