/* The article page's highlights: the review panel (htmx does the requests), highlighting an
   entity's mentions from the side list, and adding a mention from selected words.
   No framework; works with htmx 2. Offsets: every [data-field] element's text content is exactly
   the raw title or paragraph, starting at its data-offset in that field. */
(function () {
  "use strict";

  var PANEL_ID = "mention-panel";
  var highlighted = [];  // mention ids picked in the side list; kept across redraws of the text

  function panel() {
    return document.getElementById(PANEL_ID);
  }

  function marks(kind, ids) {
    var found = [];
    ids.forEach(function (id) {
      var selector = 'mark.span[data-kind="' + kind + '"][data-id="' + id + '"]';
      document.querySelectorAll(selector).forEach(function (mark) { found.push(mark); });
    });
    return found;
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function panelMessage(message) {
    var box = panel();
    if (!box) return;
    var card = document.createElement("div");
    card.className = "panel-card";
    var text = document.createElement("p");
    text.className = "panel-error";
    text.setAttribute("role", "alert");
    text.textContent = message;
    card.appendChild(text);
    box.replaceChildren(card);
  }

  function panelClose() {
    var box = panel();
    if (!box) return;
    var hint = box.dataset.hint;
    box.innerHTML = hint || "";
    markActive();
  }

  /* The mark whose panel is open is outlined; the side list's picks are highlighted. */
  function markActive() {
    document.querySelectorAll("mark.span.is-active").forEach(function (m) {
      m.classList.remove("is-active");
    });
    document.querySelectorAll("mark.span.is-highlighted").forEach(function (m) {
      m.classList.remove("is-highlighted");
    });
    marks("mention", highlighted).forEach(function (m) { m.classList.add("is-highlighted"); });
    document.querySelectorAll(".entity-group.is-picked").forEach(function (g) {
      g.classList.remove("is-picked");
    });
    if (highlighted.length) {
      document.querySelectorAll(".entity-group").forEach(function (group) {
        if (group.dataset.mentionIds === highlighted.join(",")) group.classList.add("is-picked");
      });
    }
    var card = panel() && panel().querySelector(".panel-card[data-kind][data-id]");
    if (card) {
      marks(card.dataset.kind, [card.dataset.id]).forEach(function (m) {
        m.classList.add("is-active");
      });
    }
  }

  // -- htmx: show 400 answers (the panel with its message), explain other failures ------------

  function forPanel(event) {
    var box = panel();
    var target = event.detail && event.detail.target;
    return Boolean(box && target && (target === box || box.contains(target)));
  }

  /* With DEBUG on, django-htmx's helper replaces the whole page by any 400 answer (to show
     Django's error page). The panel's 400s are messages meant for the panel: keep them from
     it (this capture listener runs before the helper's). */
  document.addEventListener("htmx:beforeOnLoad", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 400 && forPanel(event)) {
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 400 && forPanel(event)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    if (!forPanel(event)) return;
    var box = panel();
    var status = event.detail.xhr.status;
    panelMessage(
      status === 403 ? box.dataset.msgForbidden
        : status === 404 ? box.dataset.msgMissing
          : box.dataset.msgFailed
    );
  });

  document.addEventListener("htmx:sendError", function (event) {
    if (forPanel(event)) panelMessage(panel().dataset.msgFailed);
  });

  // A click that ends a selection inside a highlight is the start of "add as…", not a review.
  document.addEventListener("htmx:confirm", function (event) {
    var source = event.target;
    if (!source.matches || !source.matches("mark.span")) return;
    var selection = window.getSelection();
    if (selection && !selection.isCollapsed && selection.toString().trim()) {
      event.preventDefault();
    }
  });

  document.addEventListener("htmx:afterSettle", markActive);

  // -- panel: close, side list: highlight an entity's mentions ----------------------------------

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-panel-close]")) {
      panelClose();
      return;
    }
    var group = event.target.closest(".entity-group[data-mention-ids]");
    if (group) {
      highlighted = group.dataset.mentionIds.split(",").filter(Boolean);
      markActive();
      var first = marks("mention", highlighted.slice(0, 1))[0];
      if (first && first.scrollIntoView) first.scrollIntoView({ block: "center", behavior: "smooth" });
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    hideToolbar();
    if (highlighted.length) {
      highlighted = [];
      markActive();
    }
  });

  // -- adding a mention from a selection --------------------------------------------------------

  var toolbar = null;
  var pending = null;  // {field, start, end, text} of the current selection
  var timer = null;

  function hideToolbar() {
    if (toolbar) toolbar.hidden = true;
    pending = null;
  }

  function fieldElement(node) {
    var element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return element ? element.closest("[data-field][data-offset]") : null;
  }

  function charactersBefore(container, node, offset) {
    var range = document.createRange();
    range.selectNodeContents(container);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  /* Field, offsets and words of the selection, or null when it is not inside one paragraph
     (or the title), or holds only spaces. Leading and trailing spaces are left out. */
  function selectionSpan() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    var range = selection.getRangeAt(0);
    var element = fieldElement(range.startContainer);
    if (!element || element !== fieldElement(range.endContainer)) return null;
    if (!element.closest(".article-page")) return null;
    var raw = element.textContent;
    var start = charactersBefore(element, range.startContainer, range.startOffset);
    var end = charactersBefore(element, range.endContainer, range.endOffset);
    while (start < end && /\s/.test(raw.charAt(start))) start += 1;
    while (end > start && /\s/.test(raw.charAt(end - 1))) end -= 1;
    if (start >= end) return null;
    var base = parseInt(element.dataset.offset, 10) || 0;
    return {
      field: element.dataset.field,
      start: base + start,
      end: base + end,
      text: raw.slice(start, end),
      rect: range.getBoundingClientRect(),
    };
  }

  function showToolbar() {
    var span = selectionSpan();
    if (!span) {
      hideToolbar();
      return;
    }
    pending = span;
    toolbar.hidden = false;
    var top = span.rect.bottom + window.scrollY + 6;
    var left = Math.max(8, Math.min(
      span.rect.left + window.scrollX,
      window.scrollX + document.documentElement.clientWidth - toolbar.offsetWidth - 8
    ));
    toolbar.style.top = top + "px";
    toolbar.style.left = left + "px";
  }

  function addMention(type) {
    var text = document.getElementById("article-text");
    if (!pending || !text) return;
    var values = {
      field: pending.field,
      start: String(pending.start),
      end: String(pending.end),
      text: pending.text,
      type: type,
    };
    hideToolbar();
    var selection = window.getSelection();
    if (selection) selection.removeAllRanges();
    htmx.ajax("POST", text.dataset.mentionAddUrl, {
      target: "#" + PANEL_ID,
      swap: "innerHTML",
      values: values,
      headers: { "X-CSRFToken": csrfToken() },
    });
  }

  function setUp() {
    var box = panel();
    if (box && !box.dataset.hint) box.dataset.hint = box.innerHTML;
    toolbar = document.getElementById("mention-toolbar");
    var text = document.getElementById("article-text");
    if (!toolbar || !text || !text.dataset.mentionAddUrl) return;
    document.body.appendChild(toolbar);  // positioned in page coordinates
    toolbar.addEventListener("mousedown", function (event) {
      event.preventDefault();  // keep the selection while the button is pressed
    });
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-type]");
      if (button) addMention(button.dataset.type);
    });
    document.addEventListener("selectionchange", function () {
      clearTimeout(timer);
      timer = setTimeout(showToolbar, 120);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
