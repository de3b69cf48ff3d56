// Reallot's service worker: keeps the app shell so that after the first visit the app opens
// and works with the network off (the data is in IndexedDB, the work in wasm). The build
// (scripts/externalize-boot.sh) fills in the list of every file of the build and a digest
// of them as the cache's version.
const CACHE = 'reallot-shell-SHELL_VERSION';
const SHELL = SHELL_FILES;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('reallot-shell-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// Network first, so a new build shows as soon as it is online; the cached shell when offline.
// Every route of the single-page app is index.html. A query names no other file: the worker's
// loader is asked for as "/worker-boot.js?demo" on a first visit (assets/worker-start.js).
self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  const cached = () =>
    caches.match(request.mode === 'navigate' ? '/index.html' : request, { ignoreSearch: true });
  event.respondWith(
    fetch(request)
      .then((response) => (response.ok ? response : cached().then((hit) => hit ?? response)))
      .catch(() => cached().then((hit) => hit ?? Response.error())),
  );
});
