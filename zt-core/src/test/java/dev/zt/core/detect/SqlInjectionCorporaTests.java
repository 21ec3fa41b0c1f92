package dev.zt.core.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Issue 20: the detector against the corpora grown from named public sources ({@code sqli/corpora/}, built by
 * {@code sqli/build_corpora.py}; each file's header names its source, version and licence). Every source is split by
 * a hash into a part the detector was tuned on and a held-out part that was never looked at while changing it; the
 * targets must hold on both. The rates per source, per split and per technique, with 95 % Wilson intervals, are
 * printed and written to {@code target/sqli-corpus-rates.md} (the table in docs/detection.md comes from there).
 */
class SqlInjectionCorporaTests {

  private static final SqlInjectionDetector DETECTOR = SqlInjectionDetector.create();

  /** Detection the tuning part and the held-out part must each reach. */
  private static final double MIN_DETECTION = 0.97;
  /** False positives the tuning part and the held-out part must each stay under. */
  private static final double MAX_FALSE_POSITIVES = 0.001;

  private static final List<String> ATTACK_SOURCES = List.of("sqlmap", "fuzzdb", "payloadsallthethings", "wfuzz",
      "blns", "wapiti", "nuclei", "zap", "seclists", "payloadbox", "ghauri", "nucleidast", "w3af", "jsql", "patdocs",
      "tamper", "scanners", "sqlninja", "phpids", "mgm");
  /**
   * The last nine (quotes, places, snippets, queries, names2, debdesc, readmes2, phpids, mgm) were never tuned on:
   * added in issue 20 and measured before any change to the detector, for an honest false-positive estimate
   * (docs/detection.md, "Never-tuned benign sources", "More never-tuned benign sources", "The ninth round: PHPIDS" and
   * "The tenth round").
   */
  private static final List<String> BENIGN_SOURCES = List.of("words", "fortunes", "code", "javascript", "blns",
      "quotes", "places", "snippets", "queries", "names2", "debdesc", "readmes2", "phpids", "mgm");
  /**
   * Reported, not held to the target: shell completion code, whose {@code compgen -W 'a b' -- "$cur"} idiom has
   * exactly the shape of {@code admin' -- x}. No form carries it; it shows where the comment shape's edge is.
   */
  private static final List<String> STRESS_SOURCES = List.of("shell");
  /**
   * Reported, not held to the target and not in the attacks' {@code all} rows: sqlmap's tamper scripts whose output
   * is not SQL the database receives from an application behind a Java container (base64, double percent-encoding,
   * HTML entities, {@code %u} and backslash-u escapes, overlong UTF-8, ...; each file's header says why, per tamper).
   */
  private static final List<String> OTHER_LAYER_SOURCES = List.of("tamper-other");
  /**
   * Reported, not held to the target and not in the {@code all} rows (docs/detection.md, "Never-tuned source: OWASP
   * CRS's regression tests"): the values of OWASP CRS's regression tests for its SQL-injection rules, added in issue
   * 20 and measured before any change to the detector. The attacks (stages that expect a rule of paranoia level 1 or
   * 2) read 52.8 % tuning and 67.3 % held out, most misses fragments that CRS's regular expressions match and no
   * database runs; in the attacks' {@code all} rows they took the tuning total to 96.5 %. The benign values (stages
   * that name a rule in {@code no_expect_ids}) include injections meant for another rule; in the benign {@code all}
   * rows they took the held-out false positives to 0.21 %.
   */
  private static final List<String> CRS_SOURCES = List.of("crs");
  /**
   * Reported, not held to the target and not in the attacks' {@code all} rows: the values of OWASP CRS's regression
   * tests that expect only rules of paranoia level 3 or 4 (runs of special characters, single operators and keywords,
   * which CRS flags at those levels and which are not injections by themselves).
   */
  private static final List<String> HIGH_PARANOIA_SOURCES = List.of("crs-pl34");
  /**
   * Reported, not held to the target and not in the attacks' {@code all} rows (docs/detection.md, "Never-tuned sources:
   * Burp's probes, sqlninja and two testing guides"): the SQL-related diffing probes of Burp Suite's extension
   * backslash-powered-scanner, added in issue 20 and measured before any change to the detector. Most are syntax
   * probes that break a string or a number and run no SQL ({@code z'z}, {@code 1/0}); in the attacks' {@code all}
   * rows they took the tuning total to 96.3 % and the held-out total to 95.2 %.
   */
  private static final List<String> PROBE_SOURCES = List.of("burp");
  /**
   * Reported, not held to the target and not in the attacks' {@code all} rows (docs/detection.md, "The tenth round"):
   * the query and form values of the proofs of concept in Exploit-DB's SQL-injection advisories that carry SQL, added
   * in issue 20's tenth round and measured before any change written from it (95.2 % tuning, 96.1 % held out). A
   * rule labels them, not a person: an advisory's markup, script or prose that carries an SQL word counts as an
   * attack, and most of the misses are such values.
   */
  private static final List<String> WILD_SOURCES = List.of("exploitdb");
  /** Sources whose files group their values ({@code # group: NAME} lines): reported per group as well. */
  private static final List<String> GROUPED_SOURCES = List.of("tamper", "tamper-other", "crs", "crs-pl34");
  /** Opens a group's values in a source's file (the values up to the next such line belong to it). */
  private static final String GROUP_LINE = "# group: ";
  private static final List<String> SPLITS = List.of("tune", "holdout");
  /**
   * Sources with at least 100 held-out values that reach {@link #MIN_DETECTION} on their own, in both parts, and are
   * held to it. fuzzdb (143 held out) and wfuzz (31) do not reach it; docs/detection.md says why, by class. wapiti (51
   * held out, added in the third round and measured before any rule was written for it) is reported, not held; so is
   * nuclei (the values nuclei-templates' SQL-injection templates inject, 99 held out, 94.9 % before any change to the
   * detector; its misses by class are in docs/detection.md), and so is zap (the values OWASP ZAP's SQL-injection scan
   * rules send, 48 held out, 85.4 % before any change to the detector, 4 of its values arithmetic probes no detector
   * can flag; its misses by class are in docs/detection.md), and so are seclists and payloadbox (public payload lists
   * read before any change to the detector: 89 and 28 held out, 95.5 % and 96.4 %; their misses by class are in
   * docs/detection.md), and so is tamper (sqlmap's tamper scripts run on sqlmap's own payloads, the evasions the
   * database runs: 165 held out, 98.2 % held out and 96.1 % tuning before any change to the detector; the per-script
   * table and the misses by class are in docs/detection.md). ghauri (the values the Ghauri scanner's detection tests
   * send, 242 held out) is held: measured before any change to the detector and never tuned on, it reached 98.5 %
   * tuning and 98.3 % held out. patdocs (PayloadsAllTheThings' cheat-sheet pages, 122 held out, 76.2 % before any
   * change to the detector) is reported, not held; so are nucleidast (nuclei-templates' DAST templates, 40 held out)
   * and w3af (w3af's SQL-injection audit plugins, 9 held out), measured before any change to the detector (100 % and
   * 100 % held out, 100 % and 87.5 % tuning) but with fewer than 100 held-out values each. jsql (the values jSQL
   * Injection sends while finding a prefix, fingerprinting the engine and checking each strategy, 726 held out: 83.4 %
   * tuning and 90.4 % held out before any change to the detector) is held since the seventh round, whose reading of a
   * payload glued to the original value (a class named from its tuning part) took it to 99.2 % and 97.2 %: not a
   * never-tuned number any more, a floor against regressions; its misses by class are in docs/detection.md. scanners (the probes Vega, DSSS and
   * skipfish send, 96 held out) is reported, not held: measured before any change to the detector, 94.5 % tuning and
   * 92.7 % held out, with fewer than 100 held-out values; its misses by class are in docs/detection.md. sqlninja (the
   * SQL Server statements sqlninja injects, 18 held out) is reported, not held: measured before any change to the
   * detector, 100 % in both parts, with fewer than 100 held-out values. phpids (the SQL-injection vectors of PHPIDS's
   * test suite, 66 held out) is reported, not held: measured before any change to the detector, 72.3 % tuning and
   * 74.2 % held out, with fewer than 100 held-out values; its misses by class are in docs/detection.md. mgm (the
   * SQL-injection payloads of mgm's WAF Payload Collection, 56 held out) is reported, not held: measured before any
   * change written from it, 98.4 % tuning and 100 % held out, with fewer than 100 held-out values.
   */
  private static final List<String> SOURCES_AT_TARGET = List.of("sqlmap", "payloadsallthethings", "ghauri", "jsql");

  /** One value, its tag (technique or category), where it came from, and its group (empty when not written). */
  record Sample(String source, String split, String tag, String value, String group) {}

  @Test
  void inspectWhenCorporaMeasuredThenDetectionAndFalsePositivesMeetTargetsOnTunedAndHeldOutParts() throws IOException {
    List<Sample> attacks = load("attacks", ATTACK_SOURCES);
    List<Sample> benign = load("benign", BENIGN_SOURCES);
    List<Sample> stress = load("benign", STRESS_SOURCES);
    List<Sample> otherLayer = load("attacks", OTHER_LAYER_SOURCES);
    List<Sample> crsAttacks = load("attacks", CRS_SOURCES);
    List<Sample> crsBenign = load("benign", CRS_SOURCES);
    List<Sample> highParanoia = load("attacks", HIGH_PARANOIA_SOURCES);
    List<Sample> probes = load("attacks", PROBE_SOURCES);
    List<Sample> wild = load("attacks", WILD_SOURCES);
    Predicate<Sample> detected = a -> DETECTOR.inspectQueryValue("query:q", a.value()).isPresent();
    Predicate<Sample> falsePositive = b -> DETECTOR.inspect("query:q", b.value()).isPresent()
        || DETECTOR.inspectQueryValue("query:q", b.value()).isPresent();

    StringBuilder table = new StringBuilder();
    table.append("| corpus | source | split | values | flagged | rate | 95 % Wilson interval |\n");
    table.append("|---|---|---|---:|---:|---:|---|\n");
    Map<String, Rate> totals = new TreeMap<>();
    rows(table, "attacks", ATTACK_SOURCES, attacks, detected, totals);
    rows(table, "benign", BENIGN_SOURCES, benign, falsePositive, totals);
    rows(table, "stress (benign, not in the target)", STRESS_SOURCES, stress, falsePositive, new TreeMap<>());
    rows(table, "attacks encoded for another layer (not in the target)", OTHER_LAYER_SOURCES, otherLayer, detected,
        new TreeMap<>());
    rows(table, "attacks of CRS's regression tests, paranoia levels 1-2 (not in the target)", CRS_SOURCES, crsAttacks,
        detected, new TreeMap<>());
    rows(table, "attacks of CRS's regression tests, paranoia levels 3-4 only (not in the target)",
        HIGH_PARANOIA_SOURCES, highParanoia, detected, new TreeMap<>());
    rows(table, "benign: CRS's false-positive regression tests (not in the target)", CRS_SOURCES, crsBenign,
        falsePositive, new TreeMap<>());
    rows(table, "attacks of Burp's backslash-powered-scanner probes (not in the target)", PROBE_SOURCES, probes,
        detected, new TreeMap<>());
    rows(table, "attacks of Exploit-DB's proofs of concept, labelled by rule (not in the target)", WILD_SOURCES, wild,
        detected, new TreeMap<>());
    table.append("\n| technique (attacks) or category (benign) | values | flagged | rate | 95 % Wilson interval |\n");
    table.append("|---|---:|---:|---:|---|\n");
    byTag(table, "attacks", attacks, detected);
    byTag(table, "benign", benign, falsePositive);
    List<Sample> grouped = new ArrayList<>(otherLayer);
    grouped.addAll(attacks);
    grouped.addAll(crsAttacks);
    grouped.addAll(highParanoia);
    grouped.removeIf(s -> !GROUPED_SOURCES.contains(s.source()));
    assertThat(grouped).as("values of the grouped sources").hasSizeGreaterThan(1000)
        .allSatisfy(s -> assertThat(s.group()).as("group of " + s).isNotEmpty());
    table.append("\n| source | group | split | values | flagged | rate | 95 % Wilson interval |\n");
    table.append("|---|---|---|---:|---:|---:|---|\n");
    byGroup(table, grouped, detected);
    table.append("\n| source: technique | values | flagged | rate | 95 % Wilson interval |\n");
    table.append("|---|---:|---:|---:|---|\n");
    for (String source : GROUPED_SOURCES) {
      byTag(table, source, grouped.stream().filter(s -> s.source().equals(source)).toList(), detected);
    }
    for (String source : PROBE_SOURCES) {
      byTag(table, source, probes, detected);
    }
    for (String source : WILD_SOURCES) {
      byTag(table, source, wild, detected);
    }

    String report = table.toString();
    System.out.println(report);
    Path out = Path.of("target", "sqli-corpus-rates.md");
    if (Files.isDirectory(out.getParent())) {
      Files.writeString(out, report, StandardCharsets.UTF_8);
    }

    for (String split : SPLITS) {
      Rate attack = totals.get("attacks " + split);
      Rate falsePositives = totals.get("benign " + split);
      assertThat(attack.n()).as("attacks " + split).isGreaterThan(1000);
      assertThat(falsePositives.n()).as("benign " + split).isGreaterThan(1500);
      assertThat(attack.rate()).as("detection, " + split + ": " + attack).isGreaterThanOrEqualTo(MIN_DETECTION);
      assertThat(falsePositives.rate()).as("false positives, " + split + ": " + falsePositives)
          .isLessThanOrEqualTo(MAX_FALSE_POSITIVES);
      for (String source : SOURCES_AT_TARGET) {
        Rate rate = totals.get("attacks " + source + " " + split);
        assertThat(rate.rate()).as("detection, " + source + ", " + split + ": " + rate)
            .isGreaterThanOrEqualTo(MIN_DETECTION);
      }
    }
  }

  /**
   * A black-box client does not send the corpus's spelling of a value: it holds the value as the application receives
   * it and percent-encodes it itself ({@code URLEncoder}'s {@code +} for a space, or {@code %20}). The verdict must
   * not depend on that. Every value of every corpus is decoded once (strict UTF-8: a value whose bytes are no UTF-8,
   * such as sqlmap's lone {@code %A0} or overlong forms, has no single text a client would hold, and is left out and
   * counted) and re-encoded both ways; the verdicts of the three spellings must agree. The tamper scripts' class (b)
   * is not compared: IIS's {@code %u0027} and the other encodings for another layer are what those values are.
   */
  @Test
  void inspectQueryValueWhenValueReEncodedByAClientThenSameVerdict() {
    List<String> all = new ArrayList<>(ATTACK_SOURCES); // not tamper-other: its spelling (%u0027, …) is its point
    all.addAll(CRS_SOURCES);
    all.addAll(HIGH_PARANOIA_SOURCES);
    all.addAll(PROBE_SOURCES);
    List<Sample> samples = new ArrayList<>(load("attacks", all));
    List<String> benignSources = new ArrayList<>(BENIGN_SOURCES);
    benignSources.addAll(STRESS_SOURCES);
    samples.addAll(load("benign", benignSources));
    int compared = 0;
    int notUtf8 = 0;
    List<String> differ = new ArrayList<>();
    List<String> lost = new ArrayList<>();
    for (Sample sample : samples) {
      Optional<String> received = strictFormDecode(sample.value(), false);
      if (received.isEmpty()) {
        notUtf8++;
        // A lenient client (Java's URLDecoder, Python's unquote) holds U+FFFD for such a byte: it must not lose a
        // detection the corpus spelling has
        String lenient = java.net.URLEncoder.encode(strictFormDecode(sample.value(), true).orElseThrow(),
            StandardCharsets.UTF_8);
        if (DETECTOR.inspectQueryValue("query:q", sample.value()).isPresent()
            && DETECTOR.inspectQueryValue("query:q", lenient).isEmpty()) {
          lost.add(sample.source() + ": " + sample.value());
        }
        continue;
      }
      String plus = java.net.URLEncoder.encode(received.get(), StandardCharsets.UTF_8);
      String percent20 = plus.replace("+", "%20");
      boolean corpus = DETECTOR.inspectQueryValue("query:q", sample.value()).isPresent();
      if (DETECTOR.inspectQueryValue("query:q", plus).isPresent() != corpus
          || DETECTOR.inspectQueryValue("query:q", percent20).isPresent() != corpus) {
        differ.add(sample.source() + ": " + sample.value());
      }
      compared++;
    }
    System.out.printf("SQLi corpora re-encoded by a client: %d values compared, %d differ; %d with bytes that are no"
        + " UTF-8, %d of them lose their detection through a lenient decoder%n", compared, differ.size(), notUtf8,
        lost.size());
    assertThat(compared).isGreaterThan(30_000);
    assertThat(differ).as("verdicts that change when a client percent-encodes the value").isEmpty();
    assertThat(lost).as("detections lost when a lenient client replaces bytes that are no UTF-8").isEmpty();
  }

  /**
   * WAF testers (WAFtester, GoTestWAF) percent-encode a payload line as it is written, so the application receives the
   * line's own escapes as text ({@code %27}, {@code %0a}). Sent so, every corpus attack the detector flags as the
   * corpus spells it must still be flagged (the twice-decoded reading), and no benign value may become a false
   * positive.
   */
  @Test
  void inspectQueryValueWhenValueIsSentPercentEncodedAsWrittenThenKeepsItsVerdict() {
    List<String> lost = new ArrayList<>();
    int attacks = 0;
    for (Sample sample : load("attacks", ATTACK_SOURCES)) {
      if (DETECTOR.inspectQueryValue("query:q", sample.value()).isPresent()) {
        attacks++;
        String asWritten = java.net.URLEncoder.encode(sample.value(), StandardCharsets.UTF_8);
        if (DETECTOR.inspectQueryValue("query:q", asWritten).isEmpty()) {
          lost.add(sample.source() + ": " + sample.value());
        }
      }
    }
    List<String> benignSources = new ArrayList<>(BENIGN_SOURCES);
    benignSources.addAll(STRESS_SOURCES);
    List<String> gained = new ArrayList<>();
    int benign = 0;
    for (Sample sample : load("benign", benignSources)) {
      benign++;
      String asWritten = java.net.URLEncoder.encode(sample.value(), StandardCharsets.UTF_8);
      if (DETECTOR.inspectQueryValue("query:q", asWritten).isPresent()
          && DETECTOR.inspectQueryValue("query:q", sample.value()).isEmpty()) {
        gained.add(sample.source() + ": " + sample.value());
      }
    }
    System.out.printf("SQLi corpora sent percent-encoded as written: %d flagged attacks, %d lose their detection;"
        + " %d benign values, %d become false positives%n", attacks, lost.size(), benign, gained.size());
    assertThat(attacks).isGreaterThan(13_000);
    assertThat(lost).as("detections lost when the value is sent percent-encoded as written").isEmpty();
    assertThat(gained).as("false positives gained when the value is sent percent-encoded as written").isEmpty();
  }

  /**
   * The value a form decoder gives ({@code %XX} as UTF-8, {@code +} a space); when the bytes are no UTF-8, empty, or
   * with {@code lenient} U+FFFD in their place, as Java's {@code URLDecoder} and Python's {@code unquote} give.
   */
  private static Optional<String> strictFormDecode(String raw, boolean lenient) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    int text = 0; // start of the run of characters not yet written (whole, so surrogate pairs stay pairs)
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      boolean escape = c == '%' && i + 2 < raw.length() && Character.digit(raw.charAt(i + 1), 16) >= 0
          && Character.digit(raw.charAt(i + 2), 16) >= 0;
      if (escape || c == '+') {
        bytes.writeBytes(raw.substring(text, i).getBytes(StandardCharsets.UTF_8));
        bytes.write(escape ? Integer.parseInt(raw.substring(i + 1, i + 3), 16) : ' ');
        i += escape ? 2 : 0;
        text = i + 1;
      }
    }
    bytes.writeBytes(raw.substring(text).getBytes(StandardCharsets.UTF_8));
    java.nio.charset.CodingErrorAction bad = lenient ? java.nio.charset.CodingErrorAction.REPLACE
        : java.nio.charset.CodingErrorAction.REPORT;
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(bad)
          .onUnmappableCharacter(bad)
          .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString());
    } catch (java.nio.charset.CharacterCodingException e) {
      return Optional.empty();
    }
  }

  @Test
  void wilsonWhenKnownProportionThenMatchesTheTextbookInterval() {
    // 0 of 10: [0, 0.2775]; 5 of 10: [0.2366, 0.7634] (Wilson 1927, z = 1.96)
    assertThat(new Rate(10, 0).low()).isEqualTo(0.0);
    assertThat(new Rate(10, 0).high()).isBetween(0.2775, 0.2776);
    assertThat(new Rate(10, 5).low()).isBetween(0.2365, 0.2367);
    assertThat(new Rate(10, 5).high()).isBetween(0.7633, 0.7635);
  }

  private static void rows(StringBuilder table, String kind, List<String> sources, List<Sample> samples,
      Predicate<Sample> flagged, Map<String, Rate> totals) {
    for (String split : SPLITS) {
      int n = 0;
      int hits = 0;
      for (String source : sources) {
        Rate rate = Rate.of(samples.stream().filter(s -> s.source().equals(source) && s.split().equals(split))
            .toList(), flagged);
        if (rate.n() > 0) {
          table.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", kind, source, split, rate.cells()));
        }
        n += rate.n();
        hits += rate.hits();
        totals.put(kind + " " + source + " " + split, rate);
      }
      Rate total = new Rate(n, hits);
      totals.put(kind + " " + split, total);
      table.append(String.format(Locale.ROOT, "| **%s** | **all** | **%s** | %s |%n", kind, split, total.cells()));
    }
  }

  private static void byGroup(StringBuilder table, List<Sample> samples, Predicate<Sample> flagged) {
    Map<String, List<Sample>> groups = new TreeMap<>();
    for (Sample s : samples) {
      groups.computeIfAbsent(s.source() + " | " + s.group() + " | " + s.split(), g -> new ArrayList<>()).add(s);
    }
    for (Map.Entry<String, List<Sample>> e : groups.entrySet()) {
      table.append(String.format(Locale.ROOT, "| %s | %s |%n", e.getKey(), Rate.of(e.getValue(), flagged).cells()));
    }
  }

  private static void byTag(StringBuilder table, String kind, List<Sample> samples, Predicate<Sample> flagged) {
    Map<String, List<Sample>> tags = new TreeMap<>();
    for (Sample s : samples) {
      tags.computeIfAbsent(s.tag(), t -> new ArrayList<>()).add(s);
    }
    for (Map.Entry<String, List<Sample>> e : tags.entrySet()) {
      table.append(String.format(Locale.ROOT, "| %s: %s | %s |%n", kind, e.getKey(),
          Rate.of(e.getValue(), flagged).cells()));
    }
  }

  /** {@code hits} of {@code n}, with the 95 % Wilson score interval. */
  record Rate(int n, int hits) {
    private static final double Z = 1.959964;

    static Rate of(List<Sample> samples, Predicate<Sample> flagged) {
      return new Rate(samples.size(), (int) samples.stream().filter(flagged).count());
    }

    double rate() {
      return n == 0 ? 0 : (double) hits / n;
    }

    double low() {
      return n == 0 ? 0 : Math.max(0, centre() - half());
    }

    double high() {
      return n == 0 ? 1 : Math.min(1, centre() + half());
    }

    private double centre() {
      return (rate() + Z * Z / (2.0 * n)) / (1 + Z * Z / n);
    }

    private double half() {
      double p = rate();
      return Z * Math.sqrt(p * (1 - p) / n + Z * Z / (4.0 * n * n)) / (1 + Z * Z / n);
    }

    String cells() {
      return String.format(Locale.ROOT, "%d | %d | %.2f %% | %.2f–%.2f %%", n, hits, 100 * rate(), 100 * low(),
          100 * high());
    }

    @Override
    public String toString() {
      return hits + " of " + n + " (" + cells() + ")";
    }
  }

  private static List<Sample> load(String kind, List<String> sources) {
    List<Sample> samples = new ArrayList<>();
    for (String source : sources) {
      for (String split : SPLITS) {
        String resource = "/sqli/corpora/" + kind + "-" + source + "." + split + ".txt";
        try (InputStream in = SqlInjectionCorporaTests.class.getResourceAsStream(resource)) {
          if (in == null) {
            throw new IllegalStateException("missing test resource " + resource);
          }
          BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
          String group = "";
          for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            int tab = line.indexOf('\t');
            if (line.startsWith(GROUP_LINE)) {
              group = line.substring(GROUP_LINE.length());
            } else if (tab > 0) { // header lines start with '#' and hold no tab; every value line is tag<TAB>value
              samples.add(new Sample(source, split, line.substring(0, tab), line.substring(tab + 1), group));
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return samples;
  }
}
