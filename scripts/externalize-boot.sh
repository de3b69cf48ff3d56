#!/bin/sh
# Trunk post_build hook: move the inline module script Trunk writes into index.html (it imports
# the wasm-bindgen glue and starts the app) into its own file, boot.js, so the page's
# Content-Security-Policy can forbid every inline script; have boot.js register the service
# worker, and write into sw.js the list of the build's files it keeps for offline use.
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
cat >>"$dir/boot.js" <<'JS'

// Offline: the service worker keeps the app shell after this first visit. It is registered
// once the worker has answered the first screen's jobs (the app's "reallot:settled",
// app/src/worker.rs), or after 10 s, so that its fetching and caching of every file does not
// compete with the first screen for the CPU.
if ('serviceWorker' in navigator) {
  let registered = false;
  const register = () => {
    if (registered) return;
    registered = true;
    navigator.serviceWorker.register('/sw.js').catch(() => {});
  };
  addEventListener('reallot:settled', register, { once: true });
  setTimeout(register, 10000);
}
JS
files=$(cd "$dir" && find . -type f ! -name sw.js | sed 's#^\./#/#' | sort)
list=$(printf '%s\n' "/" $files | awk 'BEGIN{printf "["} {printf "%s\"%s\"", (NR>1?", ":""), $0} END{printf "]"}')
version=$(cd "$dir" && find . -type f ! -name sw.js | sort | xargs cat | cksum | cut -d' ' -f1)
sed -e "s#SHELL_FILES#$list#" -e "s#SHELL_VERSION#$version#" "$dir/sw.js" >"$dir/sw.js.tmp"
mv "$dir/sw.js.tmp" "$dir/sw.js"
if grep -q 'SHELL_FILES\|SHELL_VERSION' "$dir/sw.js"; then
  echo "externalize-boot: sw.js was not filled in" >&2
  exit 1
fi
