// twitchwise service worker: the app opens without a network (pages and assets from a cache,
// refreshed whenever the network answers). Logging offline is queued by app.js in the page and
// sent once when the phone is back online; this worker never posts anything itself.
"use strict";

var CACHE = "twitchwise-v1";
var SHELL = ["/log", "/", "/static/app.css", "/static/app.js", "/static/vendor/htmx.org/htmx.min.js",
  "/static/manifest.webmanifest", "/static/icon.svg", "/static/favicon.svg"];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      // One missing asset must not stop the install: add what can be fetched.
      return Promise.all(SHELL.map(function (url) { return cache.add(url).catch(function () {}); }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// GET only, same origin only, never the API: network first, the cached copy when offline.
self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) return;
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && (request.mode === "navigate" || url.pathname.indexOf("/static/") === 0)) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request, { ignoreSearch: request.mode === "navigate" }).then(function (hit) {
        return hit || caches.match(url.pathname) || Response.error();
      });
    })
  );
});
