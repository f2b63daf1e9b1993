#!/usr/bin/env bash
# The run step of action.yml. Reads the inputs from CUCKOO_* and GitHub's
# variables (GITHUB_WORKSPACE, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT,
# RUNNER_TEMP), installs what cuckoo needs, runs cuckoo verify (release and
# repo) or cuckoo batch (manifest), appends the Markdown summary to the job
# summary, writes the SARIF file and sets the outputs. Exits with cuckoo's
# exit code: 0 pass, 1 suspicious, 2 bad input, 3 could not check.
set -uo pipefail

action_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
release="${CUCKOO_RELEASE:-}"
repo="${CUCKOO_REPO:-}"
tag="${CUCKOO_TAG:-}"
manifest="${CUCKOO_MANIFEST:-}"
shard="${CUCKOO_SHARD:-}"
merge="${CUCKOO_MERGE:-}"
fail_on="${CUCKOO_FAIL_ON:-high}"
sarif="${CUCKOO_SARIF:-cuckoo.sarif}"
policy="${CUCKOO_POLICY:-}"
scratch="$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/cuckoo-action.XXXXXX")"
summary_out="${GITHUB_STEP_SUMMARY:-/dev/null}"
outputs="${GITHUB_OUTPUT:-/dev/null}"
cd "${GITHUB_WORKSPACE:-$PWD}" || exit 2

output() { printf '%s=%s\n' "$1" "$2" >>"$outputs"; }

# A SARIF file with no results and the reason, so the upload step has a file
# to send and code scanning shows why nothing was checked.
sarif_error() {
  node -e '
    const [file, message] = process.argv.slice(1);
    const log = { version: "2.1.0", $schema: "https://json.schemastore.org/sarif-2.1.0.json", runs: [{
      tool: { driver: { name: "cuckoo", informationUri: "https://github.com/", rules: [] } },
      invocations: [{ executionSuccessful: false, toolExecutionNotifications: [{ level: "error", message: { text: message } }] }],
      results: [] }] };
    require("node:fs").writeFileSync(file, JSON.stringify(log, null, 2) + "\n");
  ' "$sarif" "$1"
}

# Bad inputs: exit 2, as cuckoo itself would, with the reason in the log and the job summary.
refuse() {
  echo "::error title=cuckoo::$1"
  printf '## cuckoo: not run\n\n%s\n' "$1" >>"$summary_out"
  mkdir -p "$(dirname "$sarif")" && sarif_error "$1"
  output exit-code 2
  output verdict error
  output sarif "$sarif"
  exit 2
}

if [ -n "$merge" ] && [ -n "$manifest$release$repo$tag" ]; then refuse 'merge takes only the shards'"'"' summary.json files'; fi
if [ -n "$manifest" ] && [ -n "$release$repo$tag" ]; then refuse 'give either manifest, or release and repo (with tag), not both'; fi
if [ -z "$manifest$merge" ] && { [ -z "$release" ] || [ -z "$repo" ]; }; then refuse 'give release and repo, or a manifest'; fi
if [ -n "$shard" ] && [ -z "$manifest" ]; then refuse 'shard needs a manifest'; fi
if [ -n "$manifest$merge" ] && [ -n "$policy" ]; then refuse 'policy applies to one release: with a manifest, name each entry'"'"'s policy in it'; fi
case "$fail_on" in info|low|medium|high|critical) ;; *) refuse "fail-on must be one of info, low, medium, high, critical, not \"$fail_on\"" ;; esac

# What cuckoo needs: Node.js 20 (actions/setup-node runs before this script),
# gpg, xz, zstd and bzip2 (on GitHub's runners), bubblewrap for re-making
# generated files in a sandbox (installed when missing and apt-get can), and
# cuckoo itself, built once from the action's checkout.
node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$node_major" -lt 20 ]; then refuse "cuckoo needs Node.js 20 or later (found: $(node --version 2>/dev/null || echo none))"; fi
if ! command -v bwrap >/dev/null && command -v apt-get >/dev/null && [ "${GITHUB_ACTIONS:-}" = true ]; then
  echo '::group::installing bubblewrap (the sandbox that re-makes generated files)'
  sudo apt-get install -y -qq bubblewrap >/dev/null || echo '::warning title=cuckoo::bubblewrap could not be installed: generated files are judged by their shape only'
  echo '::endgroup::'
fi
if [ ! -f "$action_dir/dist/src/cli/main.js" ]; then
  echo '::group::building cuckoo'
  (cd "$action_dir" && npm ci --no-fund --no-audit && npx tsc -p tsconfig.json) || refuse 'building cuckoo failed (see the log above)'
  echo '::endgroup::'
fi
cuckoo() { node "$action_dir/bin/cuckoo.js" "$@"; }

[ -n "$merge" ] || mkdir -p "$(dirname "$sarif")"
if [ -n "$manifest$merge" ]; then
  reports="$scratch/reports"
  if [ -n "$merge" ]; then
    # The paths and globs as written, expanded here (word splitting intended).
    # shellcheck disable=SC2086
    cuckoo batch merge $merge --out "$reports" 2>"$scratch/stderr"
  else
    cuckoo batch "$manifest" --out "$reports" --fail-on "$fail_on" ${shard:+--shard "$shard"} 2>"$scratch/stderr"
  fi
  code=$?
  markdown="$reports/summary.md"
  verdict="$(node -e 'try { const s = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")); const t = s.totals; process.stdout.write(t.error ? "error" : t.fail ? "fail" : t.review ? "review" : "pass"); } catch { process.stdout.write("error"); }' "$reports/summary.json")"
  # One SARIF file of every entry's run: each run keeps its own category
  # (cuckoo/<name>/). A merge has no reports of its own: the shards uploaded theirs.
  if [ -z "$merge" ]; then
    node -e '
      const fs = require("node:fs"), path = require("node:path");
      const [dir, out] = process.argv.slice(1);
      const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".sarif")).sort() : [];
      const logs = files.map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")));
      if (logs.length === 0) process.exit(1);
      fs.writeFileSync(out, JSON.stringify({ ...logs[0], runs: logs.flatMap((l) => l.runs) }, null, 2) + "\n");
    ' "$reports" "$sarif" || sarif_error "no entry of ${manifest:-the merged shards} has a SARIF report (exit $code)"
  else
    sarif=''
  fi
  output reports "$reports"
else
  markdown="$scratch/summary.md"
  args=(verify "$release" --repo "$repo" --fail-on "$fail_on" --format text --format "markdown=$markdown" --format "sarif=$sarif" --format "json=$scratch/report.json")
  [ -n "$tag" ] && args+=(--tag "$tag")
  [ -n "$policy" ] && args+=(--policy "$policy")
  cuckoo "${args[@]}" 2>"$scratch/stderr"
  code=$?
  verdict="$(node -e 'try { process.stdout.write(JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")).verdict); } catch { process.stdout.write("error"); }' "$scratch/report.json")"
fi
cat "$scratch/stderr" >&2

if [ -f "$markdown" ]; then
  cat "$markdown" >>"$summary_out"
else
  # Nothing was checked (exit 2 or 3): the summary says why.
  {
    printf '## cuckoo: could not check (exit %s)\n\n```\n' "$code"
    cat "$scratch/stderr"
    printf '```\n'
  } >>"$summary_out"
  [ -z "$sarif" ] || [ -f "$sarif" ] || sarif_error "$(tail -n 1 "$scratch/stderr")"
  markdown=''
fi
case "$code" in
  1) echo "::error title=cuckoo::the release is suspicious: findings at or above $fail_on (see the job summary)" ;;
  2 | 3) echo "::error title=cuckoo::$(tail -n 1 "$scratch/stderr" | sed 's/^cuckoo: //')" ;;
esac
output exit-code "$code"
output verdict "$verdict"
[ -n "$sarif" ] && output sarif "$sarif"
[ -n "$markdown" ] && output summary "$markdown"
exit "$code"
