/* Relief Journal: the queue of writes kept on this phone (IndexedDB), shared by the pages and the
   service worker. A write is {client_id, kind, tapped_at, data, label}; it stays until the server
   answered that it saved it (or had it already), or the person discards it after a refusal. */
(function (root) {
  "use strict";
  var NAME = "relief-offline";
  var WRITES = "writes";
  var META = "meta";
  var opening = null;

  function open() {
    if (opening) { return opening; }
    opening = new Promise(function (resolve, reject) {
      var request = root.indexedDB.open(NAME, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(WRITES)) { db.createObjectStore(WRITES, { keyPath: "seq", autoIncrement: true }); }
        if (!db.objectStoreNames.contains(META)) { db.createObjectStore(META); }
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { opening = null; reject(request.error); };
    });
    return opening;
  }

  function run(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        var result;
        var request = work(tx.objectStore(store));
        if (request) { request.onsuccess = function () { result = request.result; }; }
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function uuid() {
    if (root.crypto && root.crypto.randomUUID) { return root.crypto.randomUUID(); }
    var b = root.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  var queue = {
    uuid: uuid,
    add: function (write) {
      write.status = write.status || "waiting";
      return run(WRITES, "readwrite", function (s) { return s.add(write); });
    },
    all: function () {
      return run(WRITES, "readonly", function (s) { return s.getAll(); }).then(function (rows) {
        return (rows || []).sort(function (a, b) { return a.seq - b.seq; });
      });
    },
    put: function (write) { return run(WRITES, "readwrite", function (s) { return s.put(write); }); },
    remove: function (seq) { return run(WRITES, "readwrite", function (s) { return s["delete"](seq); }); },
    setToken: function (token) { return run(META, "readwrite", function (s) { return s.put(token, "csrf"); }); },
    token: function () { return run(META, "readonly", function (s) { return s.get("csrf"); }); },
    /* Who is signed in on this phone, as the last page saw it (Background Sync sends only their writes). */
    setPerson: function (person) { return run(META, "readwrite", function (s) { return s.put(person, "person"); }); },
    person: function () { return run(META, "readonly", function (s) { return s.get("person"); }); },
    /* The pre-dose safety information the server computed while online, for one person only. */
    setPreDose: function (info) { return run(META, "readwrite", function (s) { return s.put(info, "pre-dose"); }); },
    preDose: function (person) {
      return run(META, "readonly", function (s) { return s.get("pre-dose"); }).then(function (info) {
        return info && person && String(info.person) === String(person) ? info : null;
      });
    },
    forgetPreDose: function () { return run(META, "readwrite", function (s) { return s["delete"]("pre-dose"); }); },

    /* Send every waiting write, oldest first; resolves with the server's answers (none when offline). */
    flush: function (url, token, person) {
      return queue.all().then(function (rows) {
        /* Only this person's writes: someone else who signed in on this phone never sends them. */
        var waiting = rows.filter(function (w) {
          return w.status === "waiting" && (!person || !w.person || w.person === person);
        }).slice(0, 100);
        if (!waiting.length || !url) { return []; }
        return Promise.resolve(token || queue.token()).then(function (csrf) {
          return fetch(url, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf || "" },
            body: JSON.stringify({ writes: waiting.map(function (w) {
              return { client_id: w.client_id, kind: w.kind, tapped_at: w.tapped_at, data: w.data };
            }) })
          });
        }).then(function (response) {
          if (!response.ok) {
            var error = new Error("the server answered " + response.status);
            error.status = response.status;
            throw error;
          }
          return response.json();
        }).then(function (answer) {
          var bySeq = {};
          waiting.forEach(function (w) { bySeq[w.client_id] = w; });
          return Promise.all((answer.results || []).map(function (result) {
            var write = bySeq[result.client_id];
            if (!write) { return null; }
            if (result.status === "saved" || result.status === "already") { return queue.remove(write.seq); }
            write.status = "refused";
            write.detail = result.detail;
            write.errors = result.errors || [];
            return queue.put(write);
          })).then(function () { return answer.results || []; });
        });
      });
    }
  };

  root.ReliefQueue = queue;
})(typeof self !== "undefined" ? self : window);
