// milo-nomade: the service worker of the conseiller's phone pages (served as /sw.js, scope /).
// Rules: the app shell is precached; the phone pages and their data are network-first with the
// cached copy as fallback; nothing else is cached (no POST, no /connexion, no /agenda/, no page
// of another role); the caches are emptied at logout (POST /deconnexion, or a "logout" message).
"use strict";
var SHELL = "milo-terrain-shell-v3";
var PAGES = "milo-terrain-pages-v1";
var OFFLINE = "/terrain/hors-ligne";
var SHELL_FILES = [
  "/static/app.css", "/static/app.js", "/static/field.js", "/static/icon.svg",
  "/static/vendor/htmx.min.js", "/static/vendor/pico.min.css", "/static/map-base.js",
  "/static/field-map.js",
  "/static/vendor/leaflet.js", "/static/vendor/leaflet.css", OFFLINE
];
var FIELD = [/^\/terrain$/, /^\/terrain\/semaine$/, /^\/terrain\/seances\/\d+\/bilan$/,
  /^\/terrain\/donnees\.json$/];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) {
    return cache.addAll(SHELL_FILES);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n !== SHELL && n !== PAGES;
    }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function clearPages() { return caches.delete(PAGES); }

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "logout") { event.waitUntil(clearPages()); }
});

function isField(path) {
  return FIELD.some(function (re) { return re.test(path); });
}

function networkFirst(request) {
  return fetch(request).then(function (response) {
    var landed = new URL(response.url || request.url);
    // a login redirect or an error page is not the page: keep the last good copy
    // and the copy is stored before the page gets the response: a phone that loses the network
    // right after the page has loaded still finds it
    if (response.ok && !response.redirected && isField(landed.pathname)) {
      var copy = response.clone();
      return caches.open(PAGES).then(function (cache) { return cache.put(request, copy); })
        .then(function () { return response; }, function () { return response; });
    }
    return response;
  }).catch(function () {
    return caches.open(PAGES).then(function (cache) {
      return cache.match(request).then(function (hit) {
        return hit || cache.match(request, { ignoreSearch: true });
      });
    }).then(function (hit) {
      if (hit) { return hit; }
      if (request.mode === "navigate") { return caches.match(OFFLINE); }
      return new Response(JSON.stringify({ detail: "Hors ligne.", hint: "" }),
        { status: 503, headers: { "Content-Type": "application/json" } });
    });
  });
}

// the cached shell answers at once; the network refreshes it for the next visit
function staleWhileRevalidate(request) {
  return caches.open(SHELL).then(function (cache) {
    return cache.match(request).then(function (hit) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok) { cache.put(request, response.clone()); }
        return response;
      });
      if (hit) { fresh.catch(function () { return null; }); return hit; }
      return fresh;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method !== "GET") {
    if (url.pathname === "/deconnexion") { event.waitUntil(clearPages()); }
    return;  // never cached: the network answers
  }
  if (SHELL_FILES.indexOf(url.pathname) >= 0 && url.pathname !== OFFLINE) {
    event.respondWith(staleWhileRevalidate(request));
  } else if (isField(url.pathname)) {
    event.respondWith(networkFirst(request));
  }
});
