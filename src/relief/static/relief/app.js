/* Relief Journal: reminders as browser notifications, only where the person allowed them.
   No third-party code; everything works without this file. */
(function () {
  "use strict";
  var body = document.body;
  var url = body && body.getAttribute("data-reminders-url");
  var supported = "Notification" in window;

  function seen(key) { try { return localStorage.getItem("relief:" + key) === "1"; } catch (e) { return false; } }
  function remember(key) { try { localStorage.setItem("relief:" + key, "1"); } catch (e) { /* private mode */ } }

  function notify(key, title, text, link) {
    if (seen(key)) { return; }
    remember(key);
    var n = new Notification(title, { body: text, tag: key });
    n.onclick = function () { window.focus(); window.location.href = link; };
  }

  function check() {
    if (!url || !supported || Notification.permission !== "granted") { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        (data.outcomes || []).forEach(function (o) {
          notify("outcome:" + o.id, "How is the pain now?", o.label, o.url);
        });
        if (data.checkin_due) {
          notify("checkin:" + data.today, "Daily check-in", "How was today? It takes under a minute.", data.checkin_url);
        }
      })
      .catch(function () { /* offline: try again later */ });
  }

  function setUpButton() {
    var button = document.getElementById("enable-notifications");
    var state = document.getElementById("notification-state");
    if (!button) { return; }
    if (!supported) { if (state) { state.textContent = "This browser cannot show notifications."; } return; }
    button.hidden = false;
    var words = { "default": "not asked yet", "granted": "allowed", "denied": "blocked (change it in the browser's site settings)" };
    function show() { if (state) { state.textContent = "Browser notifications: " + (words[Notification.permission] || Notification.permission) + "."; } }
    show();
    button.addEventListener("click", function () {
      Notification.requestPermission().then(function () { show(); check(); });
    });
  }

  function detectZone() {
    var input = document.querySelector("input[data-detect-zone]");
    if (!input || (input.value && input.value !== "UTC")) { return; }
    try { input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || input.value; } catch (e) { /* keep */ }
  }

  document.addEventListener("DOMContentLoaded", function () {
    detectZone();
    setUpButton();
    check();
    window.setInterval(check, 5 * 60 * 1000);
  });
})();
