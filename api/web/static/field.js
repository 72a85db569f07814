// milo-nomade: the conseiller's phone pages (no inline script: CSP 'self').
// - registers the service worker (/sw.js) that keeps the pages for offline use;
// - says when the phone is offline (the page shown is the one saved « Mis à jour le … »);
// - the bilan form: steppers (− / +), and an offline queue: each report is kept in
//   localStorage with its idempotency key, shown « en attente », sent with fetch when the
//   network is there (page load, the `online` event, every 30 s), marked « envoyé » on 2xx and
//   removed, kept with the French error on a 4xx (to correct and send again). The same key is
//   sent on every retry: the server stores the report exactly once.
(function () {
  "use strict";
  var STORE = "milo-bilans";
  var sent = [];  // reports sent during this page's life (shown « envoyé »)
  var sending = false;

  function csrf() { return document.body ? document.body.dataset.csrf || "" : ""; }
  // a report is sent only under the account that entered it: after a logout and another
  // person's login on the same phone it waits (shown) for its author instead of counting
  // under someone else
  function account() { return document.body ? document.body.dataset.account || "" : ""; }
  function mine(item) { return !item.account || item.account === account(); }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); });
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") +
      "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }

  function load() {
    try { return JSON.parse(window.localStorage.getItem(STORE) || "[]"); }
    catch (e) { return []; }
  }
  function save(items) { window.localStorage.setItem(STORE, JSON.stringify(items)); }

  function show() {
    var list = document.getElementById("file-bilans");
    if (!list) { return; }
    list.textContent = "";
    var all = load().concat(sent);
    all.forEach(function (item) {
      var li = document.createElement("li");
      var state = item.state === "envoye" ? "envoyé" : item.state === "refuse" ? "refusé" :
        mine(item) ? "en attente" : "en attente du compte qui l'a saisi";
      li.className = item.state === "envoye" ? "sent" : item.state === "refuse" ? "refused" : "pending";
      li.dataset.key = item.key;
      var strong = document.createElement("strong");
      strong.textContent = "Bilan " + state;
      li.appendChild(strong);
      li.appendChild(document.createTextNode(" · " + item.label +
        (item.state === "envoye" ? " (révision " + item.revision + ")" : "")));
      if (item.error) {
        var p = document.createElement("span");
        p.className = "queue-error";
        p.setAttribute("role", "alert");
        p.textContent = " " + item.error;
        li.appendChild(p);
      }
      list.appendChild(li);
    });
  }

  function status(text) {
    var box = document.getElementById("etat-reseau");
    if (!box) { return; }
    box.hidden = !text;
    box.textContent = text || "";
  }

  function network() {
    if (navigator.onLine) { status(""); return; }
    var pending = load().filter(function (i) { return i.state === "attente"; }).length;
    status("Hors ligne : page enregistrée sur ce téléphone." +
      (pending ? " " + pending + " bilan(s) en attente d'envoi." : ""));
  }

  function sendOne(item) {
    return fetch(item.action, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRF-Token": csrf()
      },
      body: item.body
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  function flush() {
    if (sending || !navigator.onLine) { network(); return; }
    var items = load().filter(function (i) { return i.state === "attente" && mine(i); });
    if (!items.length) { network(); return; }
    sending = true;
    var chain = Promise.resolve();
    items.forEach(function (item) {
      chain = chain.then(function () {
        return sendOne(item).then(function (answer) {
          var rest = load();
          var kept = rest.filter(function (i) { return i.key === item.key; })[0];
          if (!kept) { return; }
          if (answer.status >= 200 && answer.status < 300) {
            save(rest.filter(function (i) { return i.key !== item.key; }));
            kept.state = "envoye";
            kept.revision = answer.data.revision;
            sent.push(kept);
          } else if (answer.status >= 400 && answer.status < 500) {
            kept.state = "refuse";
            kept.error = [answer.data.detail, answer.data.hint].filter(Boolean).join(" ") ||
              "Bilan refusé par le service (" + answer.status + ").";
            save(rest);
          }  // 5xx: kept « en attente », sent again later
          show();
        }, function () { /* no network: kept « en attente » */ });
      });
    });
    chain.then(function () { sending = false; show(); network(); });
  }

  function queue(form) {
    var data = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && el.name !== "csrf") { data.append(el.name, el.value); }
    });
    var key = data.get("key");
    var visit = form.dataset.visit;
    // a new report of the same session replaces a refused or unsent one
    var items = load().filter(function (i) {
      return i.visit !== visit || i.state === "envoye" || !mine(i);
    });
    items.push({ key: key, visit: visit, account: account(), label: form.dataset.label || "",
      state: "attente",
      action: form.getAttribute("action"), body: data.toString(), error: "" });
    save(items);
    form.elements.key.value = newKey();  // the next report (a correction) gets its own key
    show();
    flush();
  }

  function steppers(form) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-step]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var input = document.getElementById(button.dataset.for);
        var value = parseInt(input.value, 10);
        if (isNaN(value)) { value = 0; }
        value += parseInt(button.dataset.step, 10);
        var max = parseInt(input.max, 10);
        input.value = String(Math.max(0, isNaN(max) ? value : Math.min(max, value)));
      });
    });
  }

  function copyButtons() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
      button.addEventListener("click", function () {
        var input = document.getElementById(button.dataset.copy);
        var done = function () { button.textContent = "Copié"; };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(input.value).then(done, function () {
            input.select(); done();
          });
        } else { input.select(); done(); }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    }
    Array.prototype.forEach.call(document.querySelectorAll("[data-report-form]"), function (form) {
      form.elements.key.value = newKey();
      steppers(form);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        queue(form);
      });
    });
    // logout: the worker empties its page caches
    Array.prototype.forEach.call(document.querySelectorAll("form[action='/deconnexion']"), function (f) {
      f.addEventListener("submit", function () {
        if (navigator.serviceWorker && navigator.serviceWorker.controller) {
          navigator.serviceWorker.controller.postMessage({ type: "logout" });
        }
      });
    });
    copyButtons();
    show();
    network();
    flush();
    window.addEventListener("online", flush);
    window.addEventListener("offline", network);
    window.setInterval(flush, 30000);
  });
})();
