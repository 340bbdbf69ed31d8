#!/usr/bin/env bash
# Screenshots of a built site for docs/screenshots/: the home page, one article
# and one section page, each at 390 px (phone) and 1280 px (desktop) wide.
#
# usage: scripts/screenshots.sh [PUBLIC_DIR] [ARTICLE_PATH] [SECTION_PATH]
#   PUBLIC_DIR    built site (default: public)
#   ARTICLE_PATH  URL path of an article (default: the first article under PUBLIC_DIR/2*/)
#   SECTION_PATH  URL path of a section page (default: the first one under PUBLIC_DIR/sections/)
# environment:
#   OUT_DIR    where the PNGs go (default: docs/screenshots next to this script)
#   BASE_PATH  the sub-path of base_url the site was built for, e.g. /news/ (default: /)
#   HEIGHT     window height in px; pages longer than that are cut (default: 2400)
#   CHROMIUM   browser binary (default: chromium, chromium-browser or google-chrome)
#
# The site is served by python3 -m http.server on 127.0.0.1 and a free port,
# because root-relative links and styles do not resolve over file://. The server
# is stopped on exit. Nothing is fetched from outside: the theme makes no
# external requests and the browser runs with background networking off.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
public="${1:-public}"
out="${OUT_DIR:-$repo/docs/screenshots}"
base="${BASE_PATH:-/}"
height="${HEIGHT:-2400}"

die() { echo "screenshots: $*" >&2; exit 1; }

[ -f "$public/index.html" ] || die "no $public/index.html: build the site first (cargo run -- build)"
public="$(cd "$public" && pwd)"

browser="${CHROMIUM:-}"
if [ -z "$browser" ]; then
  for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then browser="$b"; break; fi
  done
fi
[ -n "$browser" ] || die "no Chromium found (apt-get install chromium), or set CHROMIUM"
command -v python3 >/dev/null 2>&1 || die "python3 is needed to serve the site"

# URL path of the directory holding an index.html, relative to the public dir.
url_of() { local d; d="$(dirname "${1#"$public"}")"; echo "${d%/}/"; }

article="${2:-}"
if [ -z "$article" ]; then
  f="$(find "$public" -mindepth 5 -maxdepth 5 -path "$public/2*" -name index.html | sort | head -n 1)"
  [ -n "$f" ] || die "no article found under $public/2*/*/*/*/index.html; pass its path"
  article="$(url_of "$f")"
fi
section="${3:-}"
if [ -z "$section" ]; then
  f="$(find "$public/sections" -mindepth 2 -maxdepth 2 -name index.html 2>/dev/null | sort | head -n 1)"
  [ -n "$f" ] || die "no section found under $public/sections/*/index.html; pass its path"
  section="$(url_of "$f")"
fi

# Serve the site at BASE_PATH: for a sub-path, a temporary root with a link to it.
root="$public"
tmp=""
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -n "$tmp" ]; then rm -rf "$tmp"; fi
}
trap cleanup EXIT INT TERM
base="/${base#/}"; base="${base%/}/"
if [ "$base" != "/" ]; then
  tmp="$(mktemp -d)"
  mkdir -p "$tmp$(dirname "${base%/}")"
  ln -s "$public" "$tmp${base%/}"
  root="$tmp"
fi

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
python3 -m http.server --bind 127.0.0.1 --directory "$root" "$port" >/dev/null 2>&1 &
server=$!
for _ in $(seq 1 50); do
  if python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null; then break; fi
  sleep 0.1
done

mkdir -p "$out"
profile="$(mktemp -d)"
trap 'cleanup; rm -rf "$profile"' EXIT INT TERM
site="http://127.0.0.1:$port${base%/}"
shoot() { # name path width
  "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --disable-background-networking --disable-component-update --no-first-run \
    --user-data-dir="$profile" --force-device-scale-factor=1 \
    --window-size="$3,$height" --screenshot="$out/$1-$3.png" "$site$2" >/dev/null 2>&1 \
    || die "Chromium failed on $2"
  echo "$out/$1-$3.png  <- $2"
}
for w in 390 1280; do
  shoot home / "$w"
  shoot article "$article" "$w"
  shoot section "$section" "$w"
done
