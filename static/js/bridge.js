/* Bridge's only script of its own. Pages work without it (every form posts normally); with it,
   and htmx, actions happen in place. Loaded as a file: the content security policy allows no
   inline script. */
(function () {
  "use strict";

  function statusBar() {
    return document.getElementById("connection-status");
  }

  // The messages come translated from the page (data-unreachable, data-server-error on the bar),
  // so the script holds no text of its own.
  function showStatus(kind) {
    var bar = statusBar();
    if (!bar) { return; }
    bar.textContent = bar.dataset[kind] || "";
    bar.hidden = false;
  }

  function hideStatus() {
    var bar = statusBar();
    if (bar && !bar.hidden) {
      bar.hidden = true;
      bar.textContent = "";
    }
  }

  // After an in-place update, move keyboard and screen-reader focus to what changed, so the
  // result is announced and the next Tab continues from there.
  document.addEventListener("htmx:afterSettle", function (event) {
    var scope = event.detail && event.detail.elt ? event.detail.elt : document;
    var target = scope.matches && scope.matches("[data-focus]") ? scope : scope.querySelector("[data-focus]");
    if (!target && event.detail && event.detail.target) {
      target = event.detail.target.querySelector ? event.detail.target.querySelector("[data-focus]") : null;
    }
    if (target) {
      if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
      target.focus();
    }
  });

  // On a tablet in a car the network comes and goes: say so instead of failing silently.
  document.addEventListener("htmx:sendError", function () {
    showStatus("unreachable");
  });
  document.addEventListener("htmx:responseError", function () {
    showStatus("serverError");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail && event.detail.successful) { hideStatus(); }
  });

  // "Cancel" on a form opened in place empties the place it was opened in.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-dismiss]") : null;
    if (!button) { return; }
    var holder = document.getElementById(button.getAttribute("data-dismiss"));
    if (!holder) { return; }
    event.preventDefault();
    holder.innerHTML = "";
    var opener = document.querySelector("[data-opens='" + holder.id + "']");
    if (opener) { opener.focus(); }
  });
})();
