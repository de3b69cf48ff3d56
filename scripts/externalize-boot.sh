#!/bin/sh
# Trunk post_build hook: move the inline module script Trunk writes into index.html (it imports
# the wasm-bindgen glue and starts the app) into its own file, boot.js, so the page's
# Content-Security-Policy can forbid every inline script.
set -eu
dir="${TRUNK_STAGING_DIR:?run me as a Trunk hook}"
html="$dir/index.html"
# The module script's body, without its tags.
awk '/<script type="module">/{on=1; next} on && /<\/script>/{on=0; next} on' "$html" >"$dir/boot.js"
if [ ! -s "$dir/boot.js" ]; then
  echo "externalize-boot: no inline module script in $html" >&2
  exit 1
fi
awk '/<script type="module">/{print "<script type=\"module\" src=\"/boot.js\"></script>"; on=1; next}
     on && /<\/script>/{on=0; next}
     !on' "$html" >"$html.tmp"
mv "$html.tmp" "$html"
if grep -q '<script>' "$html" || grep -q '<script type="module">' "$html"; then
  echo "externalize-boot: an inline script is left in $html" >&2
  exit 1
fi
