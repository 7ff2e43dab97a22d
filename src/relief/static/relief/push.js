/* Relief Journal: turn Web Push reminders on or off for this device (settings page), and say
   which kind of reminders this person has here. No third-party code. */
(function () {
  "use strict";

  function decode(key) {
    var padded = (key + "===".slice((key.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { out[i] = raw.charCodeAt(i); }
    return out;
  }

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body)
    });
  }

  function hide(button, hidden) {
    if (!button) { return; }
    button.hidden = hidden;
    button.classList.toggle("hidden", hidden);  // the button style sets a display of its own
  }

  function device() {
    var ua = navigator.userAgent;
    var browser = /Firefox\//.test(ua) ? "Firefox" : /Edg\//.test(ua) ? "Edge" : /Chrome\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "Browser";
    var system = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Mac OS/.test(ua) ? "macOS" : /Windows/.test(ua) ? "Windows" : /Linux/.test(ua) ? "Linux" : "";
    return browser + (system ? " on " + system : "");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var state = document.getElementById("reminder-kind");
    var on = document.getElementById("push-on");
    var off = document.getElementById("push-off");
    if (!state) { return; }
    var key = state.getAttribute("data-push-key");
    function say(text) { state.textContent = text; }
    if (state.getAttribute("data-push-enabled") !== "true") { return; }
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !window.isSecureContext) {
      say("In-page reminders only: this browser cannot receive push here" +
        (/iPhone|iPad/.test(navigator.userAgent) ? " (on iPhone and iPad, add the journal to the Home Screen first)" : "") +
        ". The Today page asks while the journal is open.");
      return;
    }
    navigator.serviceWorker.ready.then(function (reg) {
      function show() {
        return reg.pushManager.getSubscription().then(function (sub) {
          if (sub && Notification.permission === "granted") {
            say("Push reminders are on for this device; they also reach it when the journal is closed.");
          } else if (Notification.permission === "denied") {
            say("In-page reminders only: notifications are blocked for this site in the browser's settings.");
          } else {
            say("In-page reminders only on this device: the Today page asks while the journal is open. Turn on push to be reminded when it is closed.");
          }
          hide(on, !!sub || Notification.permission === "denied");
          hide(off, !sub);
          return sub;
        });
      }
      show();
      if (on) {
        on.addEventListener("click", function () {
          Notification.requestPermission().then(function (permission) {
            if (permission !== "granted") { return show(); }
            return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: decode(key) }).then(function (sub) {
              var body = sub.toJSON();
              body.device = device();
              return post(on.getAttribute("data-url") || state.getAttribute("data-subscribe-url"), body);
            }).then(show);
          })["catch"](function () { say("Push could not be turned on here; in-page reminders still work."); });
        });
      }
      if (off) {
        off.addEventListener("click", function () {
          reg.pushManager.getSubscription().then(function (sub) {
            if (!sub) { return show(); }
            return post(state.getAttribute("data-unsubscribe-url"), { endpoint: sub.endpoint }).then(function () {
              return sub.unsubscribe();
            }).then(show);
          });
        });
      }
    });
  });
})();
