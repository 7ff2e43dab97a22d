/* Relief Journal service worker: the app shell offline, failed form posts kept, push reminders shown.
   Served by /sw.js with this release's settings in front (self.RELIEF: cache name, asset and page
   addresses), so the cache name changes with every release and the old cache is dropped.
   No third-party code. */
/* global self, caches, clients, fetch, Response, URL */
"use strict";

var CONFIG = self.RELIEF || { cache: "relief-shell-dev", assets: [], pages: [], fallback: "/", sync: "" };
var PREFIX = "relief-shell-";
if (CONFIG.queue) { self.importScripts(CONFIG.queue); }

function isShellPage(url) {
  var path = new URL(url).pathname;
  return CONFIG.pages.indexOf(path) !== -1 || /^\/diary\/attack\/[0-9a-f-]{36}\/$/.test(path) ||
    /^\/treatments\/doses\/[0-9a-f-]{36}\/outcome\/$/.test(path);
}

/* A copy that may answer a navigation: a redirected response may not, so make a fresh one. */
function storable(response) {
  if (!response.redirected) { return Promise.resolve(response); }
  return response.blob().then(function (body) {
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  });
}

function keepPage(request, response) {
  if (!response || !response.ok || response.type !== "basic") { return Promise.resolve(); }
  /* After a redirect (a signed-out visit ends on the login page) keep the page under its own address, if it is one of ours. */
  var path = new URL(response.redirected ? response.url : request.url).pathname;
  if (response.redirected && !isShellPage(response.url)) { return Promise.resolve(); }
  return storable(response.clone()).then(function (copy) {
    return caches.open(CONFIG.cache).then(function (cache) { return cache.put(path, copy); });
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CONFIG.cache).then(function (cache) {
    var assets = cache.addAll(CONFIG.assets);
    /* Pages need the session: fetch each one; a page that fails (signed out) is simply not kept. */
    var pages = CONFIG.pages.map(function (path) {
      return fetch(path, { credentials: "same-origin", headers: { "X-Relief-Precache": "1" } }).then(function (response) {
        return keepPage(new Request(new URL(path, self.location.origin).href), response);
      }).catch(function () { /* offline while installing: kept on the next visit */ });
    });
    return Promise.all([assets].concat(pages));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PREFIX) === 0 && name !== CONFIG.cache;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

/* A kept page, marked as the phone's copy so the page can say so (and drop one-time messages it kept). */
function cachedPage(url) {
  var path = new URL(url).pathname;
  return caches.open(CONFIG.cache).then(function (cache) {
    return cache.match(path).then(function (hit) { return hit || cache.match(CONFIG.fallback); });
  }).then(function (hit) {
    if (!hit) { return null; }
    return hit.text().then(function (html) {
      return new Response(html.replace("<body ", "<body data-relief-copy=\"1\" "), {
        status: 200, headers: { "Content-Type": "text/html; charset=utf-8" }
      });
    });
  });
}

/* Pages: the network first (the journal changes), the kept copy when it cannot be reached. */
function navigate(event) {
  var request = event.request;
  return fetch(request).then(function (response) {
    if (isShellPage(request.url)) { event.waitUntil(keepPage(request, response)); }
    return response;
  }).catch(function () {
    return cachedPage(request.url).then(function (hit) {
      return hit || new Response("<!doctype html><title>Offline</title><p>Offline. Open Relief Journal again when you have a connection.</p>",
        { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
    });
  });
}

/* A form post the network lost: back to the page it came from, marked so the page queues it. */
function post(event) {
  var back = event.request.referrer || CONFIG.fallback;
  function unsent() {
    var url = new URL(back, self.location.origin);
    url.searchParams.set("relief-unsent", "1");
    return Response.redirect(url.href, 303);
  }
  return fetch(event.request).then(function (response) {
    return response.status >= 500 ? unsent() : response;
  }).catch(unsent);
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && request.method === "GET") { event.respondWith(navigate(event)); return; }
  if (request.mode === "navigate" && request.method === "POST") { event.respondWith(post(event)); return; }
  if (request.method === "GET" && CONFIG.assets.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.open(CONFIG.cache).then(function (cache) {
      return cache.match(url.pathname).then(function (hit) { return hit || fetch(request); });
    }));
  }
});

/* Background Sync: ask an open page to send its queue, or send it from here when none is open. */
self.addEventListener("sync", function (event) {
  if (event.tag !== "relief-queue") { return; }
  event.waitUntil(self.clients.matchAll({ type: "window" }).then(function (list) {
    if (list.length) { list.forEach(function (c) { c.postMessage({ type: "relief-sync" }); }); return null; }
    if (self.ReliefQueue) {
      return self.ReliefQueue.person().then(function (person) {
        return person ? self.ReliefQueue.flush(CONFIG.sync, null, person) : null;
      });
    }
    return null;
  }));
});

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "relief-forget") {
    /* Signing out: the kept pages and the pre-dose information hold that person's journal; drop them. */
    var kept = self.ReliefQueue ? self.ReliefQueue.forgetPreDose()["catch"](function () { return null; }) : null;
    event.waitUntil(Promise.all([kept, caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf(PREFIX) === 0; }).map(function (n) { return caches.delete(n); }));
    })]));
  }
});

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  var title = data.title || "Relief Journal";
  event.waitUntil(self.registration.showNotification(title, {
    body: data.body || "Something is waiting in your journal.",
    tag: data.tag || "relief",
    icon: CONFIG.assets.filter(function (a) { return /icon-192/.test(a); })[0],
    data: { url: data.url || "/" }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin).href;
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (list) {
    for (var i = 0; i < list.length; i += 1) {
      if ("navigate" in list[i]) { return list[i].focus().then(function (c) { return c.navigate(target); }); }
    }
    return self.clients.openWindow(target);
  }));
});
