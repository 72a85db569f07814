// milo-nomade: the application's own script (no inline script anywhere: CSP 'self').
// HTMX requests carry the session's CSRF token, and 4xx answers (French error fragments)
// are swapped in like any answer so that the person reads why an action was refused.
(function () {
  "use strict";
  function csrf() { return document.body ? document.body.dataset.csrf || "" : ""; }
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrf();
    if (token) { event.detail.headers["X-CSRF-Token"] = token; }
  });
  // A table that scrolls sideways (phones) must be reachable with the keyboard: its wrapper
  // becomes a focusable region named after the table's caption (WCAG 2.1.1).
  function focusableScrollers(root) {
    var wraps = root.querySelectorAll ? root.querySelectorAll(".table-wrap") : [];
    Array.prototype.forEach.call(wraps, function (wrap) {
      if (!wrap.hasAttribute("tabindex")) { wrap.setAttribute("tabindex", "0"); }
      if (!wrap.hasAttribute("role")) { wrap.setAttribute("role", "region"); }
      var caption = wrap.querySelector("caption");
      if (!wrap.hasAttribute("aria-label") && caption) {
        wrap.setAttribute("aria-label", caption.textContent.trim());
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx) {
      window.htmx.config.responseHandling = [
        { code: "204", swap: false },
        { code: "[23]..", swap: true },
        { code: "[4]..", swap: true, error: false },
        { code: "...", swap: true, error: true }
      ];
    }
    focusableScrollers(document);
    document.body.addEventListener("htmx:afterSwap", function (event) {
      focusableScrollers(event.target);
    });
    // confirm before destructive actions: <button data-confirm="...">
    document.body.addEventListener("click", function (event) {
      var target = event.target.closest ? event.target.closest("[data-confirm]") : null;
      if (target && !window.confirm(target.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopPropagation();
      }
    }, true);
    // print buttons: <button data-print>
    document.body.addEventListener("click", function (event) {
      var target = event.target.closest ? event.target.closest("[data-print]") : null;
      if (target) { window.print(); }
    });
  });
})();
