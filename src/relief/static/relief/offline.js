/* Relief Journal: never lose a tap. Registers the service worker; when the phone is offline (or a
   send fails), the writes of attack mode, the dose form, the check-in and the outcome prompts go
   into the queue on this phone (queue.js) with the time of the tap, the page says so, and the
   queue is sent in order when the connection returns, on the next page load, and by Background
   Sync. Everything works without this file: the forms post as usual. */
(function () {
  "use strict";
  var script = document.currentScript;
  var syncUrl = (script && script.getAttribute("data-sync-url")) || "/offline/sync/";
  var workerUrl = (script && script.getAttribute("data-sw-url")) || "/sw.js";
  var attackUrl = (script && script.getAttribute("data-attack-url")) || "/offline/attack/";
  var person = (script && script.getAttribute("data-person")) || "";
  var preDoseUrl = (script && script.getAttribute("data-pre-dose-url")) || "/offline/pre-dose/";
  var signInAgain = false;
  /* This page is the copy kept on the phone (the server could not be reached). */
  var copy = document.body.getAttribute("data-relief-copy") === "1";
  var Q = window.ReliefQueue;
  var ZERO = "00000000-0000-0000-0000-000000000000";
  var ID = "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})";
  var KINDS = [
    [new RegExp("^/diary/attack/start/$"), "attack_start"],
    [new RegExp("^/diary/attack/" + ID + "/pain/$"), "pain"],
    [new RegExp("^/diary/attack/" + ID + "/symptom/$"), "symptom"],
    [new RegExp("^/diary/attack/" + ID + "/bothersome/$"), "bothersome"],
    [new RegExp("^/diary/attack/" + ID + "/end/$"), "attack_end"],
    [new RegExp("^/treatments/doses/repeat/$"), "dose_repeat"],
    [new RegExp("^/treatments/doses/new/$"), "dose"],
    [new RegExp("^/treatments/doses/" + ID + "/outcome/quick/$"), "outcome_quick"],
    [new RegExp("^/treatments/doses/" + ID + "/outcome/$"), "outcome"],
    [new RegExp("^/diary/checkin/$"), "checkin"],
    [new RegExp("^/diary/side-effects/new/$"), "side_effect"]
  ];
  var FORM_KINDS = { dose: "/treatments/doses/new/", checkin: "/diary/checkin/", side_effect: "/diary/side-effects/new/" };
  var TIME_FIELDS = { dose: "taken_at", side_effect: "occurred_at" };
  var waiting = 0;

  if (!Q || !("indexedDB" in window)) { return; }

  /* --- what a form would have sent, as a write ----------------------------------------------- */

  function kindOf(form) {
    var path = new URL(form.action || window.location.href, window.location.href).pathname;
    for (var i = 0; i < KINDS.length; i += 1) {
      var m = KINDS[i][0].exec(path);
      if (m) { return { kind: KINDS[i][1], id: m[1] || "" }; }
    }
    return null;
  }

  function fields(form, submitter) {
    var data = {};
    var posted = submitter ? new FormData(form, submitter) : new FormData(form);
    posted.forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken" || typeof value !== "string") { return; }
      if (Object.prototype.hasOwnProperty.call(data, name)) {
        data[name] = [].concat(data[name], value);
      } else { data[name] = value; }
    });
    return data;
  }

  function pressed(button) { return button && button.getAttribute("aria-pressed") === "true"; }

  function label(kind, form, submitter) {
    var text = submitter ? (submitter.getAttribute("aria-label") || submitter.textContent || "").trim() : "";
    var names = {
      attack_start: "Attack started", attack_end: "Attack over", dose: "Dose", checkin: "Check-in",
      side_effect: "Side effect",
      outcome: "How it worked", outcome_quick: "Pain two hours later"
    };
    if (kind === "outcome_quick" && text) { return "How it worked: " + text; }
    if (kind === "attack_start" && text) { return "Attack started (" + text.toLowerCase() + ")"; }
    return text || names[kind] || kind;
  }

  function build(form, submitter) {
    var found = kindOf(form);
    if (!found) { return null; }
    var kind = found.kind;
    var posted = fields(form, submitter);
    var value = submitter ? submitter.value : "";
    var data;
    switch (kind) {
      case "attack_start": data = { attack: Q.uuid(), ago: parseInt(posted.ago || "0", 10) || 0 }; break;
      case "pain": data = { attack: found.id, nrs: value }; break;
      case "symptom": data = { attack: found.id, symptom: value, present: !pressed(submitter) }; break;
      case "bothersome": data = { attack: found.id, value: pressed(submitter) ? "" : value }; break;
      case "attack_end": data = { attack: found.id }; break;
      case "dose_repeat": data = { template: posted.template, attack: posted.attack || "" }; break;
      case "outcome_quick":
        data = { dose: found.id };
        if ("returned_24h" in posted) { data.returned_24h = posted.returned_24h; } else { data.pain_2h = posted.pain_2h; }
        break;
      case "outcome": data = { dose: found.id, fields: posted }; break;
      case "dose":
      case "side_effect": {
        var when = form.querySelector("[name=" + TIME_FIELDS[kind] + "]");
        data = { fields: posted, time_is_tap: !when || when.value === when.defaultValue };
        break;
      }
      default: data = { fields: posted };
    }
    return {
      client_id: Q.uuid(), kind: kind, tapped_at: new Date().toISOString(), data: data, person: person,
      label: label(kind, form, submitter), page: window.location.pathname + window.location.search
    };
  }

  /* --- what the page shows ----------------------------------------------------------------- */

  function hhmm(iso) {
    var d = new Date(iso);
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }

  function box() {
    var el = document.getElementById("offline-status");
    if (!el) {
      el = document.createElement("section");
      el.id = "offline-status";
      el.className = "card offline-status";
      el.setAttribute("aria-live", "polite");
      var main = document.getElementById("main") || document.body;
      main.insertBefore(el, main.firstChild);
    }
    return el;
  }

  function para(parent, text, cls) {
    var p = document.createElement("p");
    p.textContent = text;
    if (cls) { p.className = cls; }
    parent.appendChild(p);
    return p;
  }

  function render() {
    return Q.all().then(function (all) {
      var rows = all.filter(function (w) { return !w.person || !person || w.person === person; });
      var list = rows.filter(function (w) { return w.status === "waiting"; });
      var refused = rows.filter(function (w) { return w.status === "refused"; });
      waiting = list.length;
      var el = box();
      el.textContent = "";
      el.hidden = !list.length && !refused.length && navigator.onLine && !copy;
      if (list.length) {
        var p = para(el, "Saved on this phone, " + list.length + (list.length === 1 ? " entry" : " entries") +
          " waiting to send.", "offline-count");
        p.setAttribute("role", "status");
        if (signInAgain) { para(el, "Sign in again to send them; they stay on this phone until then.", "error"); }
        para(el, "They are sent by themselves when the connection returns, with the time you tapped. " +
          "Safety checks wait for the connection; any warning is shown (and pushed) then.", "muted");
        var ul = document.createElement("ul");
        ul.className = "entries";
        list.forEach(function (w) {
          var li = document.createElement("li");
          li.textContent = w.label + " at " + hhmm(w.tapped_at);
          ul.appendChild(li);
        });
        el.appendChild(ul);
      } else if (!navigator.onLine || copy) {
        para(el, "Offline. What you log now is kept on this phone and sent when the connection returns.", "offline-count");
      }
      refused.forEach(function (w) { showRefused(el, w); });
      return rows;
    });
  }

  function showRefused(el, w) {
    var div = document.createElement("div");
    div.className = "errors refused-entry";
    div.setAttribute("role", "alert");
    para(div, "Not saved: " + w.label + " at " + hhmm(w.tapped_at) + ". The server said: " + (w.detail || "not valid") + ".");
    var actions = document.createElement("p");
    actions.className = "actions";
    var target = w.kind === "outcome" ? "/treatments/doses/" + w.data.dose + "/outcome/" : FORM_KINDS[w.kind];
    if (target) {
      var fix = document.createElement("a");
      fix.href = target + "#relief-fix-" + w.seq;
      fix.textContent = "Fix it";
      actions.appendChild(fix);
      actions.appendChild(document.createTextNode(" "));
    }
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "quiet";
    discard.textContent = "Discard it";
    discard.addEventListener("click", function () {
      Q.remove(w.seq).then(render);
    });
    actions.appendChild(discard);
    div.appendChild(actions);
    el.appendChild(div);
  }

  /* A refused form entry opened to be fixed: its fields back in the form, and saving replaces it. */
  function fillForFix() {
    var m = /^#relief-fix-(\d+)$/.exec(window.location.hash);
    if (!m) { return; }
    var seq = parseInt(m[1], 10);
    Q.all().then(function (rows) {
      var w = rows.filter(function (r) { return r.seq === seq; })[0];
      var form = document.querySelector("main form.card") || document.querySelector("main form[method=post]");
      if (!w || !form || !w.data.fields) { return; }
      Object.keys(w.data.fields).forEach(function (name) {
        if (name === TIME_FIELDS[w.kind] && w.data.time_is_tap) { return; }  // still "when I tapped"
        var values = [].concat(w.data.fields[name]);
        form.querySelectorAll("[name='" + name + "']").forEach(function (input) {
          if (input.type === "checkbox" || input.type === "radio") { input.checked = values.indexOf(input.value) !== -1; }
          else if (input.tagName === "SELECT") { ensureOption(input, values[0]); input.value = values[0]; }
          else { input.value = values[0]; }
        });
      });
      form.setAttribute("data-relief-fix", String(seq));
      para(box(), "Fix the entry below and save it again; it replaces the one that was not saved.", "muted");
    });
  }

  function ensureOption(select, value) {
    if (!value || select.querySelector("option[value='" + value + "']")) { return; }
    var option = document.createElement("option");
    option.value = value;
    option.textContent = "The attack logged on this phone";
    select.appendChild(option);
  }

  /* --- attack mode for an attack started on this phone --------------------------------------- */

  function localAttack(rows) {
    var started = rows.filter(function (w) { return w.kind === "attack_start" && w.status === "waiting"; });
    var last = started[started.length - 1];
    if (!last) { return null; }
    var ended = rows.some(function (w) { return w.kind === "attack_end" && w.data.attack === last.data.attack; });
    return ended ? null : last;
  }

  function showLocalAttack(start, rows) {
    var template = document.getElementById("relief-offline-attack");
    if (!template || document.getElementById("attack-panel")) { return false; }
    var id = start.data.attack;
    var panel = template.content.cloneNode(true);
    panel.querySelectorAll("[action],[href],input[value]").forEach(function (el) {
      ["action", "href", "value"].forEach(function (name) {
        var v = el.getAttribute(name);
        if (v && v.indexOf(ZERO) !== -1) { el.setAttribute(name, v.split(ZERO).join(id)); }
      });
    });
    document.querySelectorAll("[data-attack-start]").forEach(function (el) { el.parentNode.removeChild(el); });
    template.parentNode.insertBefore(panel, template);
    document.body.setAttribute("data-relief-local", "1");
    var started = new Date(new Date(start.tapped_at).getTime() - (start.data.ago || 0) * 60000).toISOString();
    setStatus("Attack since " + hhmm(started) + " (on this phone)");
    rows.forEach(function (w) { if (w.data && w.data.attack === id) { reflect(w); } });
    showPreDose();
    return true;
  }

  function setStatus(text) {
    var status = document.querySelector("#attack-panel .status");
    if (status) { status.textContent = text; }
  }

  /* Show a queued tap on the page the way the server's answer would have. */
  function reflect(w) {
    var panel = document.getElementById("attack-panel");
    if (!panel) { return; }
    if (w.kind === "pain") {
      panel.querySelectorAll("form[action$='/pain/'] button").forEach(function (b) {
        b.classList.toggle("on", b.value === String(w.data.nrs));
      });
      var status = panel.querySelector(".status");
      if (status) {
        var base = status.getAttribute("data-base") || status.textContent.split(" · pain")[0].trim();
        status.setAttribute("data-base", base);
        status.textContent = base + " · pain " + w.data.nrs + " at " + hhmm(w.tapped_at) + " (on this phone)";
      }
    } else if (w.kind === "symptom" || w.kind === "bothersome") {
      var sel = w.kind === "symptom" ? "form[action$='/symptom/'] button" : "form[action$='/bothersome/'] button";
      panel.querySelectorAll(sel).forEach(function (b) {
        if (w.kind === "bothersome") { b.setAttribute("aria-pressed", String(b.value === w.data.value)); }
        else if (b.value === w.data.symptom) { b.setAttribute("aria-pressed", String(!!w.data.present)); }
      });
    } else if (w.kind === "dose_repeat") {
      var took = panel.querySelector("[data-offline-doses]") || document.createElement("p");
      if (!took.parentNode) {
        took.setAttribute("data-offline-doses", "");
        took.className = "muted";
        var form = panel.querySelector("form[action$='/doses/repeat/']");
        (form ? form.parentNode : panel).insertBefore(took, form);
      }
      took.textContent = (took.textContent ? took.textContent + "; " : "") + w.label + " at " + hhmm(w.tapped_at) + " (on this phone)";
    } else if (w.kind === "attack_end") {
      setStatus("Attack over at " + hhmm(w.tapped_at) + " (on this phone). Rest well.");
    }
  }

  /* --- the pre-dose information kept on this phone ------------------------------------------ */

  /* Pages from which a dose may be logged: a fresh load (online) replaces the phone's copy. */
  var DOSE_PAGES = [/^\/$/, /^\/diary\/attack\//, /^\/offline\/attack\/$/, /^\/treatments\/doses\/new\/$/];

  function refreshPreDose() {
    var path = window.location.pathname;
    if (copy || !navigator.onLine || !person || !DOSE_PAGES.some(function (re) { return re.test(path); })) {
      return Promise.resolve(null);
    }
    return fetch(preDoseUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (info) {
      if (!info || String(info.person) !== String(person)) { return null; }
      return Q.setPreDose(info).then(function () { return info; });
    })["catch"](function () { return null; });
  }

  function offlineNow() { return copy || !navigator.onLine; }

  function preDoseLine(info, row) {
    var li = document.createElement("li");
    var name = document.createElement("strong");
    name.textContent = row.label;
    li.appendChild(name);
    var alerts = row.alerts || [];
    var text = "Checked on " + info.checked_on + " while online: " + (alerts.length ? alerts.map(function (a) {
      return a.title + " (" + a.level + ")";
    }).join("; ") : "no warning for this dose then.");
    para(li, text, alerts.some(function (a) { return a.dangerous; }) ? "pre-dose-danger" : "");
    return li;
  }

  /* What the server said while online, labelled with its date and as possibly out of date. */
  function preDoseBox(info, rows) {
    var div = document.createElement("div");
    div.className = "card offline-pre-dose";
    div.setAttribute("data-offline-pre-dose", "");
    para(div, "Safety checks wait for the connection: the full check runs when the entry reaches the server, " +
      "and any warning is shown (and pushed) then.", "muted");
    if (rows.length) {
      para(div, "From the last check while online, kept on this phone; it may be out of date:", "muted");
      var ul = document.createElement("ul");
      ul.className = "entries";
      rows.forEach(function (row) { ul.appendChild(preDoseLine(info, row)); });
      div.appendChild(ul);
    }
    return div;
  }

  function fillPreDose(info) {
    if (!info || !offlineNow()) { return; }
    document.querySelectorAll("[data-pre-dose]").forEach(function (slot) {
      slot.textContent = "";
      var said = slot.parentNode.querySelector("[data-pre-dose-fallback]");
      if (said) { said.hidden = true; }  // the box says it, with what was kept
      slot.appendChild(preDoseBox(info, info.substances || []));
    });
  }

  /* The dose form offline: the kept information for the chosen substance, next to it. */
  function preDoseForForm(info) {
    var select = document.querySelector("#dose-form select[name=substance]");
    if (!select) { return; }
    var old = document.querySelector("#dose-form [data-offline-pre-dose]");
    if (old) { old.parentNode.removeChild(old); }
    if (!offlineNow()) { return; }
    var rows = info ? (info.substances || []).filter(function (r) { return r.substance === select.value; }) : [];
    var box = info ? preDoseBox(info, rows) : preDoseBox({ checked_on: "" }, []);
    if (info && select.value && !rows.length) {
      para(box, "No information about this substance was kept on this phone.", "muted");
    }
    var slot = document.getElementById("dose-preview-slot") || select.closest(".field") || select;
    slot.parentNode.insertBefore(box, slot.nextSibling);
  }

  function showPreDose() {
    return Q.preDose(person).then(function (info) {
      fillPreDose(info);
      preDoseForForm(info);
      return info;
    })["catch"](function () { return null; });
  }

  /* --- queueing and sending ---------------------------------------------------------------- */

  function token() {
    var m = /(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie);
    if (m) { return decodeURIComponent(m[1]); }
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }

  function askForBackgroundSync() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.ready.then(function (reg) {
      if (reg.sync && reg.sync.register) { return reg.sync.register("relief-queue"); }
      return null;
    })["catch"](function () { /* not supported: the page sends it */ });
  }

  function keep(write, form) {
    var fixing = form && form.getAttribute("data-relief-fix");
    var replaced = Promise.resolve();
    if (fixing) {
      /* The fixed entry keeps the moment of the first tap (and its id: the server never kept the refused one). */
      replaced = Q.all().then(function (rows) {
        var old = rows.filter(function (r) { return r.seq === parseInt(fixing, 10); })[0];
        if (!old) { return null; }
        write.client_id = old.client_id;
        write.tapped_at = old.tapped_at;
        return Q.remove(old.seq);
      });
    }
    return replaced.then(function () { return Q.add(write); }).then(function (seq) {
      write.seq = seq;
      document.body.setAttribute("data-relief-local", "1");
      if (form) { form.removeAttribute("data-relief-fix"); }
      askForBackgroundSync();
      return render();
    }).then(function (rows) {
      if (write.kind === "attack_start") {
        if (!showLocalAttack(write, rows)) { window.location.assign(attackUrl); return; }
      } else { reflect(write); }
      if (FORM_KINDS[write.kind] || write.kind === "outcome") { savedForm(form); }
      var prompt = write.kind === "outcome_quick" && form ? form.closest("section") : null;
      if (prompt) { prompt.hidden = true; }
      flush();
    });
  }

  function savedForm(form) {
    if (!form) { return; }
    form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) { b.disabled = true; });
    var note = para(form, "Saved on this phone; it is sent when the connection returns.", "message");
    note.setAttribute("role", "status");
    var attack = new URLSearchParams(window.location.search).get("attack");
    if (attack) {
      var back = document.createElement("a");
      back.href = attackUrl;
      back.textContent = "Back to attack mode";
      form.appendChild(back);
    }
  }

  var sending = null;
  var retryIn = 3000;
  var retryTimer = null;

  /* A send that failed while online (the server answered 5xx, or the answer was lost): try again later. */
  function retryLater() {
    if (retryTimer || !navigator.onLine) { return; }
    retryTimer = window.setTimeout(function () { retryTimer = null; flush(); }, retryIn);
    retryIn = Math.min(retryIn * 2, 5 * 60 * 1000);
  }

  function flush() {
    if (sending || !navigator.onLine) { return sending || Promise.resolve([]); }
    var wasLocal = document.body.getAttribute("data-relief-local") === "1";
    sending = Q.setToken(token()).then(function () { return Q.flush(syncUrl, token(), person); }).then(function (results) {
      var saved = results.filter(function (r) { return r.status === "saved" || r.status === "already"; });
      return render().then(function (rows) {
        var stillWaiting = rows.some(function (w) { return w.status === "waiting"; });
        if (saved.length && wasLocal && !stillWaiting) {
          var end = saved.filter(function (r) { return r.kind === "attack_end"; }).pop();
          var start = saved.filter(function (r) { return r.kind === "attack_start"; }).pop();
          var target = end ? end.next : (start ? start.next : saved[saved.length - 1].next);
          window.location.assign(target || "/");
        } else if (saved.length) {
          var note = para(box(), "Sent " + saved.length + (saved.length === 1 ? " entry" : " entries") + " from this phone.", "message");
          note.setAttribute("role", "status");
          box().hidden = false;
        }
        return results;
      });
    }).then(function (results) {
      retryIn = 3000;
      signInAgain = false;
      return results;
    }, function (error) {
      signInAgain = !!error && (error.status === 401 || error.status === 403);
      if (!signInAgain) { retryLater(); }
      return render();
    }).then(function (r) { sending = null; return r; });
    return sending;
  }

  function onSubmit(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || (form.method || "").toLowerCase() !== "post") { return; }
    if (form.closest("footer") || /logout/.test(form.action)) { forget(); return; }
    var write = build(form, event.submitter);
    if (!write) { return; }
    var local = document.body.getAttribute("data-relief-local") === "1";
    if (navigator.onLine && !waiting && !local && !form.getAttribute("data-relief-fix")) {
      form._reliefWrite = write;  // an htmx send that fails is queued from this
      if (!form.hasAttribute("hx-post")) {
        try { sessionStorage.setItem("relief:inflight", JSON.stringify(write)); } catch (e) { /* private mode */ }
      }
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    keep(write, form);
  }

  function onHtmxFailure(event) {
    var detail = event.detail || {};
    var status = detail.xhr ? detail.xhr.status : 0;
    var verb = detail.requestConfig && detail.requestConfig.verb;
    if (verb && String(verb).toLowerCase() !== "post") { return; }  // a preview or a refresh, not a write
    if (event.type === "htmx:responseError" && status < 500) { return; }
    var form = detail.elt && (detail.elt.tagName === "FORM" ? detail.elt : detail.elt.closest("form"));
    if (form && form._reliefWrite) {
      var write = form._reliefWrite;
      form._reliefWrite = null;
      keep(write, form);
    }
  }

  /* A plain form post the service worker could not deliver comes back here, marked: queue it. */
  function recoverInflight() {
    var raw = null;
    try { raw = sessionStorage.getItem("relief:inflight"); sessionStorage.removeItem("relief:inflight"); } catch (e) { return Promise.resolve(); }
    var params = new URLSearchParams(window.location.search);
    if (!raw || !params.has("relief-unsent")) { return Promise.resolve(); }
    params["delete"]("relief-unsent");
    var clean = window.location.pathname + (params.toString() ? "?" + params.toString() : "");
    history.replaceState(null, "", clean);
    return Q.add(JSON.parse(raw));
  }

  function forget() {
    Q.forgetPreDose()["catch"](function () { /* no IndexedDB */ });
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "relief-forget" });
    }
  }

  function startLocalAttackIfAny(rows) {
    var start = localAttack(rows);
    if (start && document.getElementById("relief-offline-attack")) { showLocalAttack(start, rows); }
    else {
      rows.forEach(function (w) {
        if (w.status === "waiting" && w.data && w.data.attack && window.location.pathname.indexOf(w.data.attack) !== -1) {
          document.body.setAttribute("data-relief-local", "1");
          reflect(w);
        }
      });
    }
  }

  /* The check-in kept on the phone was made on its own day; opened from the copy, it is for today. */
  function prepareCheckin() {
    var day = document.querySelector("form input[type=hidden][name=date]");
    if (!copy || !day || new URLSearchParams(window.location.search).has("date")) { return; }
    var now = new Date();
    var today = now.getFullYear() + "-" + ("0" + (now.getMonth() + 1)).slice(-2) + "-" + ("0" + now.getDate()).slice(-2);
    if (day.value === today) { return; }
    day.value = today;
    /* The answers in the copy were that other day's: start empty ("not noted"). */
    day.form.querySelectorAll("input, select, textarea").forEach(function (input) {
      if (input.type === "hidden") { return; }
      if (input.type === "checkbox" || input.type === "radio") { input.checked = false; }
      else if (input.tagName === "SELECT") { input.selectedIndex = 0; }
      else { input.value = ""; }
    });
  }

  function prepareDoseForm() {
    var attack = new URLSearchParams(window.location.search).get("attack");
    var select = document.querySelector("select[name=attack]");
    if (!attack || !select || select.value === attack) { return; }
    ensureOption(select, attack);
    select.value = attack;
    var acute = document.querySelector("input[name=reason][value=acute]");
    if (acute) { acute.checked = true; }
  }

  document.addEventListener("submit", onSubmit, true);
  document.addEventListener("htmx:sendError", onHtmxFailure);
  document.addEventListener("htmx:responseError", onHtmxFailure);
  document.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail || {};
    var elt = detail.elt;
    var form = elt && (elt.tagName === "FORM" ? elt : elt.closest && elt.closest("form"));
    if (form && detail.successful) { form._reliefWrite = null; }  // the server has it: never queue it again
  });
  window.addEventListener("online", function () { flush(); });
  window.addEventListener("hashchange", fillForFix);  // "Fix it" on the form's own page
  window.addEventListener("offline", function () { render(); showPreDose(); });
  window.addEventListener("online", function () { showPreDose(); });
  document.addEventListener("change", function (event) {
    if (event.target && event.target.name === "substance" && event.target.closest("#dose-form")) { showPreDose(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    if (copy) {  // messages and alerts kept in the copy belonged to an earlier visit
      document.querySelectorAll("#main > .messages, #main > .alerts").forEach(function (el) { el.parentNode.removeChild(el); });
    }
    if ("serviceWorker" in navigator && window.isSecureContext) {
      navigator.serviceWorker.register(workerUrl, { scope: "/" })["catch"](function () { /* no offline shell */ });
      navigator.serviceWorker.addEventListener("message", function (event) {
        if (event.data && event.data.type === "relief-sync") { flush(); }
      });
    }
    Q.setToken(token()).then(function () { return Q.setPerson(person); })["catch"](function () { /* no IndexedDB */ });
    /* Someone else's kept information is never shown, and is dropped as soon as another person signs in. */
    Q.preDose(person).then(function (mine) {
      return mine ? null : Q.forgetPreDose();
    }).then(refreshPreDose).then(showPreDose)["catch"](function () { /* no IndexedDB */ });
    recoverInflight().then(function () { return render(); }).then(function (rows) {
      startLocalAttackIfAny(rows);
      showPreDose();
      prepareDoseForm();
      prepareCheckin();
      fillForFix();
      if (navigator.onLine && rows.some(function (w) { return w.status === "waiting"; })) { flush(); }
    })["catch"](function () { /* IndexedDB unavailable (private mode): the forms post as usual */ });
  });

  window.ReliefOffline = { flush: flush, render: render };
})();
