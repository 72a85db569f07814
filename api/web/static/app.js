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
  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx) {
      window.htmx.config.responseHandling = [
        { code: "204", swap: false },
        { code: "[23]..", swap: true },
        { code: "[4]..", swap: true, error: false },
        { code: "...", swap: true, error: true }
      ];
    }
    // confirm before destructive actions: <button data-confirm="...">
    document.body.addEventListener("click", function (event) {
      var target = event.target.closest ? event.target.closest("[data-confirm]") : null;
      if (target && !window.confirm(target.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopPropagation();
      }
    }, true);
  });
})();
