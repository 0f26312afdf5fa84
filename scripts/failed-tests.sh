#!/usr/bin/env bash
# Prints what failed in a test log (turbo running vitest): each "Failed Tests" and "Unhandled
# Errors" section vitest printed, without colours and without the source excerpts, and the error
# lines of lint, typecheck and format tasks; at most $2 lines (default 80). .ci/run ends with it, so that the tail of a CI log, which is often all
# that is kept of it, names the failing tests and their errors.
#
#   bash scripts/failed-tests.sh run.log [max-lines]
set -euo pipefail
log=${1:?usage: bash scripts/failed-tests.sh <log> [max-lines]}
max=${2:-80}

# Colours off. turbo interleaves the packages' lines, each behind its prefix ("@wirekit/x:test: "):
# a section is followed per prefix, and ends where that package's summary ("Test Files") starts.
sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' "$log" |
  awk '
    {
      prefix = ""
      body = $0
      if (match($0, /^[^ ]+:(test|lint|typecheck|build|check:package|format:check): /)) {
        prefix = substr($0, 1, RLENGTH)
        body = substr($0, RLENGTH + 1)
      }
    }
    body ~ /(Failed Tests|Unhandled Errors?) [0-9]*/ { inside[prefix] = 1 }
    inside[prefix] && body ~ /^ *Test Files / { inside[prefix] = 0 }
    inside[prefix] && body !~ /^ *[0-9]*\|( |$)/ && body !~ /^ *$/ { print; next }
    prefix ~ /:(lint|typecheck|format:check|check:package): $/ && body ~ /error|\[warn\]/ { print }
  ' |
  # awk, not head, keeps the first lines: head would stop reading, and the pipe fail (SIGPIPE).
  awk -v max="$max" 'NR <= max'
