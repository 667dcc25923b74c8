#!/usr/bin/env bash
# Installs code-server (a real VS Code 1.100 workbench with the Node extension host) for the
# end-to-end tests, offline-safe on these machines: desktop VS Code cannot be downloaded
# here, code-server comes from the npm registry. The install lives in a per-user cache
# (TAKOSS_CODE_SERVER_CACHE, default ~/.cache/takoss) so clean clones — CI — reuse it, and
# the gitignored .vscode-test/code-server links to it. About 1 s when already installed.
# Prints the code-server entry point on stdout.
set -euo pipefail

VERSION=4.100.3
RIPGREP_PACKAGE_VERSION=1.15.11
RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

root=$(cd "$(dirname "$0")/.." && pwd)
cache_root="${TAKOSS_CODE_SERVER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/takoss}"
dest="$cache_root/code-server-$VERSION"
link="$root/.vscode-test/code-server"
entry="$link/node_modules/code-server/out/node/entry.js"
log() { printf '[code-server] %s\n' "$*" >&2; }

link_install() {
  mkdir -p "$(dirname "$link")"
  # An install from before the cache existed is a real folder: ln would put the link inside it.
  if [ -e "$link" ] && [ ! -L "$link" ]; then rm -rf "$link"; fi
  ln -sfn "$dest" "$link"
}
# One install at a time into the shared cache (two checkouts may run their tests at once).
mkdir -p "$cache_root"
exec 9>"$cache_root/.install-$VERSION.lock"
flock 9

installed_version() { node -p "require('$dest/node_modules/code-server/package.json').version" 2>/dev/null || true; }
if [ "$(installed_version)" = "$VERSION" ] && [ -f "$dest/node_modules/code-server/out/node/entry.js" ]; then
  link_install
  echo "$entry"
  exit 0
fi

# Debian packages: the browser the UI tests drive, ripgrep for the workbench's search, and
# what node-gyp needs to build code-server's native modules.
missing=()
for pair in chromium:chromium rg:ripgrep pkg-config:pkg-config make:build-essential python3:python3; do
  command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
done
[ -e /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# @vscode/ripgrep downloads rg from GitHub unless it finds this tarball in its cache.
cache="$(node -p "require('os').tmpdir()")/vscode-ripgrep-cache-$RIPGREP_PACKAGE_VERSION"
if [ ! -f "$cache/$RIPGREP_ASSET" ]; then
  mkdir -p "$cache"
  tar -czf "$cache/$RIPGREP_ASSET" -C "$(dirname "$(command -v rg)")" rg
fi

log "installing code-server $VERSION (about 100 s)"
mkdir -p "$dest"
[ -f "$dest/package.json" ] || echo '{"name":"takoss-code-server","private":true}' > "$dest/package.json"
(
  cd "$dest"
  # node-gyp builds against the local Node headers instead of downloading them; node-pty
  # runs `npx node-gyp`, which needs a yes; code-server's postinstall refuses root without
  # --unsafe-perm; its dependencies' install scripts must run.
  npm_config_nodedir="$(dirname "$(dirname "$(command -v node)")")" \
  npm_config_yes=true \
  npm_config_dangerously_allow_all_scripts=true \
  npm install --unsafe-perm --no-audit --no-fund --loglevel=error "code-server@$VERSION" >&2
)
[ -f "$dest/node_modules/code-server/out/node/entry.js" ] || { log "code-server did not install into $dest"; exit 1; }
link_install
echo "$entry"
