#!/usr/bin/env bash
# The one test command. On a fresh Debian machine it installs what the tests need (Debian's
# Chromium for the browser tests, PostgreSQL server binaries for the throwaway test cluster, the npm
# test tools in tests/tools such as maildev), builds the solution once, runs every test project
# (all of them, even after a failure) and prints as its last line "N passed, N failed, N skipped"
# summed over the projects' TRX reports.
# Exit status: non-zero if a test failed, a test run failed, or no test ran at all.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

solution=Schedario.slnx
results="$PWD/TestResults"

# --- what the tests need from the machine -------------------------------------------------------

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "test.sh: need root (or sudo) to run: $*" >&2
    return 1
  fi
}

have_initdb() {
  local bin
  for bin in /usr/lib/postgresql/*/bin/initdb; do
    [ -x "$bin" ] && return 0
  done
  return 1
}

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
have_initdb || missing+=(postgresql)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# Node tools the tests start (maildev: a real SMTP server for the mail tests), pinned by
# tests/tools/package-lock.json. Installed again only when node_modules is missing or older than
# the lock file.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "test.sh: node and npm are not on PATH; the mail tests need them to run maildev (Node.js 20 or later; maildev 3 needs it)" >&2
  exit 1
fi
tools=tests/tools
if [ ! -f "$tools/node_modules/.package-lock.json" ] || [ "$tools/package-lock.json" -nt "$tools/node_modules/.package-lock.json" ]; then
  echo "test.sh: installing the test tools ($tools: npm ci)"
  npm ci --prefix "$tools" --no-audit --no-fund --loglevel=error
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: dotnet is not on PATH; install the .NET 10 SDK" >&2
  exit 1
fi

# --- build once, then run each test project -----------------------------------------------------

dotnet build "$solution" -c Release

# The test projects of the solution, in its order (unit/integration first, browser last). One
# `dotnet test` per project: one TRX file per project with a name we know, and the projects run
# one after another rather than competing for the machine's cores.
mapfile -t projects < <(grep -o 'Path="tests/[^"]*\.csproj"' "$solution" | sed 's/^Path="//; s/"$//')
if [ "${#projects[@]}" -eq 0 ]; then
  echo "test.sh: no test project found in $solution" >&2
  exit 1
fi

rm -rf "$results"
mkdir -p "$results"

run_failed=0
for project in "${projects[@]}"; do
  name="$(basename "$project" .csproj)"
  echo "test.sh: testing $name"
  # A test stuck for 10 minutes is killed (and reported) rather than eating the whole CI budget.
  if ! dotnet test "$project" -c Release --no-build \
      --results-directory "$results" \
      --logger "trx;LogFileName=$name.trx" \
      --logger "console;verbosity=normal" \
      --blame-hang-timeout 10m --blame-hang-dump-type none; then
    echo "test.sh: dotnet test failed for $name" >&2
    run_failed=1
  fi
  if [ ! -f "$results/$name.trx" ]; then
    echo "test.sh: $name wrote no TRX report" >&2
    run_failed=1
  fi
done

# --- summary from the TRX reports ---------------------------------------------------------------

# counter FILE NAME: the value of attribute NAME of the <Counters .../> element (0 if absent).
counter() {
  local value
  value="$(tr '\n' ' ' <"$1" | grep -o '<Counters [^>]*>' | head -n 1 \
    | sed -n "s/.*[[:space:]]$2=\"\([0-9]*\)\".*/\1/p")"
  echo "${value:-0}"
}

passed=0 failed=0 skipped=0 executed=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  p="$(counter "$trx" passed)"
  f="$(counter "$trx" failed)"
  # Tests that errored, timed out or were aborted did not pass either.
  e="$(counter "$trx" error)"
  t="$(counter "$trx" timeout)"
  a="$(counter "$trx" aborted)"
  s="$(counter "$trx" notExecuted)"
  x="$(counter "$trx" executed)"
  n="$(counter "$trx" total)"
  # The TRX logger leaves notExecuted at 0 for skipped tests; they show as total - executed.
  if [ $((n - x)) -gt "$s" ]; then s=$((n - x)); fi
  passed=$((passed + p))
  failed=$((failed + f + e + t + a))
  skipped=$((skipped + s))
  executed=$((executed + x))
  echo "test.sh: $(basename "$trx" .trx): $p passed, $((f + e + t + a)) failed, $s skipped"
done

status=0
if [ "$failed" -gt 0 ]; then status=1; fi
if [ "$run_failed" -ne 0 ]; then status=1; fi
if [ "$executed" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  status=1
fi

echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
