/* Collaboration in the browser: presence on the edit page (heartbeat through htmx, a beacon
   on leaving) and error messages from the workflow, comment and assign endpoints.
   Everything works without this file; it only makes it smoother. */
(function () {
  "use strict";

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  /* htmx 2 does not swap 4xx responses. Ours are short messages meant to be shown (why a
     step was refused, a comment too long, a conflict), so let them into their target. Only
     inside our own parts of the page ([data-collab]); other components keep htmx's default. */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var element = event.detail.elt;
    if ((status === 400 || status === 403 || status === 409) && element && element.closest &&
        element.closest("[data-collab]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  /* A form sent again starts without the previous attempt's message. */
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.querySelector) {
      var slot = form.querySelector(".form-message");
      if (slot) slot.textContent = "";
    }
  });

  /* Presence: the page element with data-presence-url is heartbeated by htmx
     (hx-trigger="load delay:2s, every 15s"; the load beat re-announces us after the
     previous page's leave beacon); on leaving the page, say so, so others stop seeing us. */
  function presenceLeave() {
    var page = document.querySelector("[data-presence-url]");
    if (!page || !navigator.sendBeacon) return;
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrfToken());
    data.append("leave", "1");
    navigator.sendBeacon(page.getAttribute("data-presence-url"), data);
  }
  window.addEventListener("pagehide", presenceLeave);

  /* Coming back through the back/forward cache: announce ourselves again at once. */
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted || !window.htmx) return;
    var presence = document.getElementById("presence");
    var page = document.querySelector("[data-presence-url]");
    if (presence && page) {
      window.htmx.ajax("POST", page.getAttribute("data-presence-url"),
                       {target: presence, swap: "innerHTML"});
    }
  });
})();
