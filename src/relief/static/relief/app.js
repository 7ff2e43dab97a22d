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

  /* ---- Saying things to screen readers: one polite live region for the whole page. */
  function announce(text) {
    var live = document.getElementById("live");
    if (!live || !text) { return; }
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  /* ---- Copy a link or token, and hand a link to the phone's share sheet where there is one. */
  function setUpCopyAndShare(root) {
    root.querySelectorAll("[data-copy-target]").forEach(function (button) {
      var input = document.getElementById(button.getAttribute("data-copy-target"));
      if (!input) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        function done() { button.textContent = "Copied"; announce("Copied to the clipboard."); }
        function fallback() {
          input.focus(); input.select();
          try { if (document.execCommand("copy")) { done(); return; } } catch (e) { /* below */ }
          announce("Select the text and copy it.");
        }
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(input.value).then(done, fallback);
        } else { fallback(); }
      });
    });
    root.querySelectorAll("[data-share-target]").forEach(function (button) {
      var input = document.getElementById(button.getAttribute("data-share-target"));
      if (!input || typeof navigator.share !== "function") { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.share({ title: button.getAttribute("data-share-title") || document.title, url: input.value })
          .catch(function () { /* closed the share sheet */ });
      });
    });
  }

  /* ---- The dose form: find a substance by a few letters or a brand name, preset its last amount,
     and offer only the batches of the chosen product. Without JavaScript the plain selects work. */
  function setUpDoseForm(root) {
    var box = root.querySelector("[data-substance-search]");
    var select = root.querySelector("select[name=substance]");
    if (!box || !select) { return; }
    var find = box.querySelector("input");
    var matches = box.querySelector(".matches");
    var amount = root.querySelector("input[name=amount]");
    var unit = root.querySelector("input[name=unit]");
    var product = root.querySelector("select[name=product]");
    var batch = root.querySelector("select[name=batch]");
    var typedAmount = false;
    box.hidden = false;
    if (amount) { amount.addEventListener("input", function () { typedAmount = true; }); }

    function options() { return Array.prototype.filter.call(select.options, function (o) { return o.value; }); }
    function matching(text) {
      var wanted = text.trim().toLowerCase();
      if (!wanted) { return []; }
      return options().filter(function (o) {
        return (o.getAttribute("data-search") || o.text.toLowerCase()).split(/\s+/).some(function (w) { return w.indexOf(wanted) === 0; });
      }).slice(0, 6);
    }
    function choose(option) {
      select.value = option.value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      find.value = option.text;
      matches.textContent = "";
      announce("Chosen: " + option.text + ".");
    }
    find.addEventListener("input", function () {
      matches.textContent = "";
      var found = matching(find.value);
      found.forEach(function (option) {
        var b = document.createElement("button");
        b.type = "button"; b.className = "pill"; b.textContent = option.text;
        b.addEventListener("click", function () { choose(option); if (amount) { amount.focus(); } });
        matches.appendChild(b);
      });
      announce(found.length ? found.length + " found." : (find.value.trim() ? "Nothing found; check the spelling." : ""));
    });
    find.addEventListener("keydown", function (e) {
      if (e.key !== "Enter") { return; }
      var found = matching(find.value);
      if (found.length) { e.preventDefault(); choose(found[0]); if (amount) { amount.focus(); } }
    });
    select.addEventListener("change", function () {
      var o = select.selectedOptions[0];
      if (!o || typedAmount) { return; }
      if (amount && o.hasAttribute("data-last-amount")) { amount.value = o.getAttribute("data-last-amount"); }
      if (unit) { unit.value = o.getAttribute("data-last-unit") || o.getAttribute("data-unit") || unit.value; }
    });
    function filterBatches() {
      if (!batch) { return; }
      var chosen = product ? product.value : "";
      var keep = null;
      Array.prototype.forEach.call(batch.options, function (o) {
        if (!o.value) { return; }
        var fits = !chosen || o.getAttribute("data-product") === chosen;
        o.hidden = !fits; o.disabled = !fits;
        if (fits) { keep = o; }
      });
      var current = batch.selectedOptions[0];
      if (current && current.value && current.disabled) { batch.value = keep ? keep.value : ""; }
    }
    if (product) {
      product.addEventListener("change", function () {
        var o = product.selectedOptions[0];
        var substance = o && o.getAttribute("data-substance");
        if (substance && select.value !== substance) { select.value = substance; select.dispatchEvent(new Event("change", { bubbles: true })); }
        filterBatches();
        if (batch) {
          var last = o && o.value ? Array.prototype.filter.call(batch.options, function (b) { return b.value && !b.disabled; }).pop() : null;
          batch.value = last ? last.value : "";
        }
      });
    }
    filterBatches();
  }

  /* ---- Tables become one card per row on a phone (CSS below 480 px): each cell learns its column's
     name, long cells wrap instead of being cut, and ARIA roles keep it a table for screen readers. */
  function stackTables(root) {
    root.querySelectorAll("main table").forEach(function (table) {
      if (table.classList.contains("stack") || table.hasAttribute("data-no-stack")) { return; }
      var heads = table.querySelectorAll("thead th");
      if (!heads.length) { return; }
      var names = Array.prototype.map.call(heads, function (th) { return th.textContent.trim(); });
      table.classList.add("stack");
      table.setAttribute("role", "table");
      table.querySelectorAll("thead, tbody, tfoot").forEach(function (g) { g.setAttribute("role", "rowgroup"); });
      table.querySelectorAll("tr").forEach(function (tr) {
        tr.setAttribute("role", "row");
        Array.prototype.forEach.call(tr.children, function (cell, i) {
          if (cell.tagName === "TH") {
            cell.setAttribute("role", cell.getAttribute("scope") === "row" ? "rowheader" : "columnheader");
            return;
          }
          cell.setAttribute("role", "cell");
          if (!cell.hasAttribute("data-label") && names[i]) { cell.setAttribute("data-label", names[i]); }
          if (cell.textContent.trim().length > 28) { cell.classList.add("long"); }
        });
      });
    });
  }

  /* ---- A one-tap dose can be taken back for a few seconds. */
  var UNDO_SECONDS = 8;
  function setUpUndo(root) {
    root.querySelectorAll("form[data-undo]").forEach(function (form) {
      window.setTimeout(function () { if (form.isConnected) { form.remove(); } }, UNDO_SECONDS * 1000);
    });
  }

  /* ---- After htmx replaces a region, keep the keyboard where it was (the same control in the new
     content, else the region's first heading) and say what was saved. */
  var lastControl = null;
  document.addEventListener("htmx:beforeRequest", function (e) {
    var busy = e.detail && e.detail.target;
    if (busy && busy.setAttribute) { busy.setAttribute("aria-busy", "true"); }
    var active = document.activeElement;
    lastControl = active && active.form ? {
      action: active.form.getAttribute("action"), name: active.getAttribute("name"), value: active.getAttribute("value")
    } : null;
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    var busy = e.detail && e.detail.target;
    if (busy && busy.removeAttribute) { busy.removeAttribute("aria-busy"); }
  });
  document.addEventListener("htmx:afterSettle", function (e) {
    var region = e.detail && e.detail.target;
    if (region && !region.isConnected && region.id) { region = document.getElementById(region.id); }
    if (!region || !region.isConnected) { return; }
    setUpCopyAndShare(region); setUpDoseForm(region); setUpUndo(region); stackTables(region);
    var active = document.activeElement;
    if (active && active !== document.body && active.isConnected && !region.contains(active)) {
      return;  // focus was not in the replaced content (a preview updating beside a field): leave it be
    }
    var target = null;
    if (lastControl) {
      Array.prototype.some.call(region.querySelectorAll("button[name]"), function (b) {
        if (b.form && b.form.getAttribute("action") === lastControl.action && b.getAttribute("name") === lastControl.name &&
            b.getAttribute("value") === lastControl.value) { target = b; return true; }
        return false;
      });
    }
    if (!target) {
      target = region.querySelector("h1, h2, h3");
      if (target && !target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
    }
    if (target) { target.focus({ preventScroll: false }); }
    var said = [];
    region.querySelectorAll(".messages .message, form[data-undo] p, .status").forEach(function (n) { said.push(n.textContent.trim()); });
    announce(said.join(" "));
  });

  document.addEventListener("DOMContentLoaded", function () {
    stackTables(document);
    setUpCopyAndShare(document);
    setUpDoseForm(document);
    setUpUndo(document);
    detectZone();
    setUpButton();
    check();
    window.setInterval(check, 5 * 60 * 1000);
  });
})();

// Wrap every table of the page in a region that scrolls sideways on its own and can take
// keyboard focus, so a wide table never widens the whole page on a phone.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("main table").forEach((table, index) => {
    if (table.parentElement && table.parentElement.classList.contains("table-scroll")) return;
    const box = document.createElement("div");
    box.className = "table-scroll";
    box.tabIndex = 0;
    box.setAttribute("role", "region");
    const caption = table.querySelector("caption");
    box.setAttribute("aria-label", caption ? caption.textContent.trim() : `Table ${index + 1}`);
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
  });
});

// Long sections of a report fold on a phone (details.section); on a wide screen they open at
// once, and every one opens before printing so that a printed page carries everything.
document.addEventListener("DOMContentLoaded", () => {
  const sections = () => document.querySelectorAll("details.section");
  if (window.matchMedia("(min-width: 60em)").matches) {
    sections().forEach((d) => { d.open = true; });
  }
  window.addEventListener("beforeprint", () => sections().forEach((d) => { d.open = true; }));
});
