// twitchwise service worker: the app opens without a network (pages and assets from a cache,
// refreshed whenever the network answers). Logging offline is queued by app.js in the page and
// sent once when the phone is back online; this worker never posts anything itself. It shows the
// daily reminder the app pushes (fixed words, nothing from the diary) and opens /log on a tap.
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

self.addEventListener("push", function (event) {
  var data = { title: "twitchwise", body: "Time to fill in today's twitch diary", url: "/log" };
  try { if (event.data) data = Object.assign(data, event.data.json()); } catch (e) { /* keep the default */ }
  event.waitUntil(self.registration.showNotification(data.title, {
    body: data.body, icon: "/static/icon.svg", tag: "twitchwise-reminder", data: { url: data.url }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var path = (event.notification.data && event.notification.data.url) || "/log";
  if (path.charAt(0) !== "/" || path.charAt(1) === "/") path = "/log";  // same origin only
  var target = new URL(path, self.location.origin).href;
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (list) {
    for (var i = 0; i < list.length; i++) {
      if ("navigate" in list[i] && "focus" in list[i]) {
        return list[i].navigate(target).then(function (c) { return c && c.focus(); });
      }
    }
    return self.clients.openWindow(target);
  }));
});
