/* The side-by-side translation editor in the browser.

   Each row saves itself: on typing (after a pause), on leaving the text box, on a status click,
   on Ctrl+Enter. Whatever was typed and not yet confirmed by the server is kept in localStorage,
   keyed by segment id and version, so a lost connection, a closed tab or a crash loses nothing;
   the page restores it on the next load. A 409 (someone saved the same paragraph) shows both
   texts in the row and lets the translator keep theirs or take the saved one.

   Without this file the page still works: every row is a form that posts and comes back. */
(function () {
  "use strict";

  var page = document.getElementById("tr-page");
  if (!page) return;

  var STORE = "kzeditor:tr:";
  var DEBOUNCE_MS = 1500;
  var RETRY_MS = 15000;
  var strings = {};
  try {
    strings = JSON.parse(document.getElementById("tr-strings").textContent);
  } catch (e) { /* English fallbacks below */ }
  function t(key, fallback) { return strings[key] || fallback; }

  /* One request at a time from this page: saves, memory and machine suggestions queue up.
     A translator's requests are small; in order, they never race each other on the server. */
  var lane = Promise.resolve();
  function send(url, options) {
    var request = lane.then(function () { return fetch(url, options); });
    lane = request.catch(function () { return null; });
    return request;
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  /* The sticky header sits under the sticky top bar, whatever its height. */
  function measureTopbar() {
    var bar = document.querySelector(".topbar");
    if (bar) document.documentElement.style.setProperty("--tr-sticky-top", bar.offsetHeight + "px");
  }
  measureTopbar();
  window.addEventListener("resize", measureTopbar);

  var storage = (function () {
    try {
      var probe = STORE + "probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) { return null; }
  })();

  function storedKeys(segmentId) {
    var keys = [];
    if (!storage) return keys;
    var prefix = STORE + segmentId + ":";
    for (var i = 0; i < storage.length; i++) {
      var key = storage.key(i);
      if (key && key.indexOf(prefix) === 0) keys.push(key);
    }
    return keys;
  }

  function setTranslationVersion(version) {
    if (!version) return;
    page.setAttribute("data-translation-version", version);
    page.querySelectorAll("input[data-translation-version]").forEach(function (input) {
      input.value = version;
    });
    page.querySelectorAll("[data-translation-version-text]").forEach(function (el) {
      el.textContent = version;
    });
  }

  /* The first save moves a requested translation to "in progress": say so in the header,
     and take away the button for the step that no longer applies. */
  function translationStatusShow(status, label) {
    var badge = page.querySelector(".tr-header .tr-status");
    if (!badge || !status || badge.getAttribute("data-status") === status) return;
    badge.className = badge.className.replace(/\btranslation-\S+/, "translation-" + status);
    badge.setAttribute("data-status", status);
    badge.textContent = label;
    if (status === "in_progress") {
      page.querySelectorAll(".tr-toolbar button.step-start").forEach(function (button) {
        var form = button.closest("form");
        if (form) form.remove();
      });
    }
  }

  var rows = [];
  var byId = {};

  function Row(el) {
    this.el = el;
    this.id = el.getAttribute("data-segment");
    this.url = el.getAttribute("data-save-url");
    this.textarea = el.querySelector(".tr-textarea");
    this.form = el.querySelector(".tr-save-form");
    this.versionInput = el.querySelector("input[data-segment-version]");
    this.statusEl = el.querySelector(".tr-save-status");
    this.conflictEl = el.querySelector(".tr-conflict");
    this.findingsEl = el.querySelector("[data-findings]");
    this.memoryEl = el.querySelector(".tr-memory");
    this.memoryButton = el.querySelector(".tr-memory-button");
    this.version = parseInt(el.getAttribute("data-version"), 10);
    this.saved = this.textarea.value;     // the text the server has
    this.pendingStatus = null;             // a status chosen and not yet saved
    this.timer = null;
    this.inflight = null;                  // the promise of the save under way
    this.again = false;
    this.inConflict = false;
    this.blocked = false;                  // refused (403/400): no automatic retries
    this.memoryLoaded = false;
  }

  Row.prototype.key = function () { return STORE + this.id + ":" + this.version; };

  Row.prototype.isDirty = function () {
    return this.textarea.value !== this.saved || this.pendingStatus !== null;
  };

  Row.prototype.remember = function () {
    if (!storage) return;
    storedKeys(this.id).forEach(function (key) { storage.removeItem(key); });
    if (!this.isDirty()) return;
    try {
      storage.setItem(this.key(), JSON.stringify({
        text: this.textarea.value, status: this.pendingStatus, at: Date.now()
      }));
    } catch (e) { /* storage full: the text is still in the page */ }
  };

  Row.prototype.forget = function () {
    if (!storage) return;
    storedKeys(this.id).forEach(function (key) { storage.removeItem(key); });
  };

  Row.prototype.setState = function (state, text) {
    if (!this.statusEl) return;
    this.statusEl.setAttribute("data-state", state);
    this.statusEl.textContent = text;
  };

  Row.prototype.schedule = function () {
    var row = this;
    clearTimeout(row.timer);
    row.timer = setTimeout(function () { row.save(); }, DEBOUNCE_MS);
  };

  Row.prototype.setStatus = function (status, label) {
    var el = this.el;
    ["untranslated", "draft", "done"].forEach(function (name) {
      el.classList.toggle("status-" + name, name === status);
    });
    el.setAttribute("data-status", status);
    var radio = el.querySelector('input[name=status][value="' + status + '"]');
    if (radio) radio.checked = true;
    var dot = el.querySelector("[data-status-label]");
    if (dot && label) {
      dot.title = label;
      var hidden = dot.querySelector(".visually-hidden");
      if (hidden) hidden.textContent = label;
    }
    progressUpdate();
  };

  Row.prototype.setVersion = function (version) {
    this.version = version;
    this.el.setAttribute("data-version", version);
    if (this.versionInput) this.versionInput.value = version;
  };

  /* Save now (one request at a time per row; text typed meanwhile goes in the next one).
     Resolves when the row has nothing left to send or cannot send it. */
  Row.prototype.save = function () {
    var row = this;
    clearTimeout(row.timer);
    if (row.inConflict || !row.isDirty()) return Promise.resolve();
    if (row.inflight) {
      row.again = true;
      return row.inflight;
    }
    var sentText = row.textarea.value;
    var sentStatus = row.pendingStatus;
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrfToken());
    body.append("version", String(row.version));
    body.append("target_text", sentText);
    if (sentStatus) body.append("status", sentStatus);
    row.setState("saving", t("saving", "Saving…"));
    row.inflight = send(row.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        // Redirected to the login page, or a proxy's error page.
        row.setState("error", t("signedOut", "Not saved: sign in again; your text is kept in this browser."));
        return null;
      }
      return response.json().then(function (data) { return row.answer(response.status, data, sentText, sentStatus); });
    }, function () {
      row.setState("offline", t("offline", "Offline — kept in this browser"));
    }).then(function () {
      row.inflight = null;
      if (row.again && !row.inConflict && !row.blocked) {
        row.again = false;
        return row.save();
      }
      row.again = false;
    });
    return row.inflight;
  };

  Row.prototype.answer = function (status, data, sentText, sentStatus) {
    var row = this;
    if (status === 200) {
      row.blocked = false;
      row.setVersion(data.segment_version);
      row.saved = sentText;
      if (row.pendingStatus === sentStatus) row.pendingStatus = null;
      row.setStatus(data.status, data.status_label);
      row.el.classList.toggle("has-errors", data.errors > 0);
      if (!data.changed) row.el.classList.remove("is-changed");
      if (row.findingsEl) row.findingsEl.innerHTML = data.findings_html;
      setTranslationVersion(data.translation_version);
      translationStatusShow(data.translation_status, data.translation_status_label);
      row.printUpdate(sentText);
      row.remember();  // only what was typed after this save, under the new version
      if (row.isDirty()) {
        row.setState("pending", t("unsaved", "Unsaved changes"));
        row.again = true;
      } else {
        row.setState("saved", data.message || t("saved", "Saved"));
      }
      return;
    }
    if (status === 409) {
      row.conflictShow(data);
      return;
    }
    if (status >= 500) {
      row.setState("offline", t("serverError", "The server had a problem; kept in this browser, retrying."));
      return;
    }
    row.blocked = true;
    row.setState("error", (t("notSaved", "Not saved:") + " " + (data.message || "")).trim());
  };

  Row.prototype.printUpdate = function (text) {
    var print = this.el.querySelector(".tr-target-print");
    if (!print) return;
    print.textContent = "";
    text.split(/\n\s*\n/).forEach(function (paragraph) {
      if (!paragraph.trim()) return;
      var p = document.createElement("p");
      p.textContent = paragraph.trim();
      print.appendChild(p);
    });
  };

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  /* Both texts side by side; nothing is lost until the translator chooses. */
  Row.prototype.conflictShow = function (data) {
    var row = this;
    row.inConflict = true;
    clearTimeout(row.timer);
    row.remember();
    row.setState("conflict", t("conflict", "Conflict: choose below"));
    var box = row.conflictEl;
    box.textContent = "";
    box.appendChild(element("p", "tr-conflict-message", data.message || t("conflictMessage", "This paragraph was saved by someone else meanwhile.")));
    var columns = element("div", "tr-conflict-columns");
    var theirs = element("div", "tr-conflict-theirs");
    theirs.appendChild(element("h4", "", t("theirs", "Saved now")));
    theirs.appendChild(element("div", "tr-conflict-text", data.saved_text || "—"));
    var mine = element("div", "tr-conflict-mine");
    mine.appendChild(element("h4", "", t("mine", "Your text")));
    mine.appendChild(element("div", "tr-conflict-text", row.textarea.value));
    columns.appendChild(theirs);
    columns.appendChild(mine);
    box.appendChild(columns);
    var actions = element("div", "tr-conflict-actions");
    var keep = element("button", "small primary tr-keep-mine", t("keepMine", "Keep mine"));
    keep.type = "button";
    var take = element("button", "small tr-take-theirs", t("takeTheirs", "Take theirs"));
    take.type = "button";
    actions.appendChild(keep);
    actions.appendChild(take);
    box.appendChild(actions);
    box.hidden = false;
    if (data.translation_version) setTranslationVersion(data.translation_version);

    keep.addEventListener("click", function () {
      row.setVersion(data.saved_version);
      row.saved = data.saved_text;
      row.inConflict = false;
      row.blocked = false;
      box.hidden = true;
      row.remember();
      row.save();
      row.textarea.focus();
    });
    take.addEventListener("click", function () {
      row.setVersion(data.saved_version);
      row.textarea.value = data.saved_text;
      row.saved = data.saved_text;
      row.pendingStatus = null;
      row.inConflict = false;
      row.blocked = false;
      box.hidden = true;
      if (data.saved_status) row.setStatus(data.saved_status);
      row.forget();
      row.printUpdate(data.saved_text);
      row.setState("saved", t("tookTheirs", "Showing the saved text"));
      row.textarea.focus();
    });
  };

  /* -- memory and machine suggestions ------------------------------------------------------ */

  Row.prototype.memoryToggle = function (show) {
    var row = this;
    if (!row.memoryEl) return;
    row.memoryEl.hidden = !show;
    if (row.memoryButton) row.memoryButton.setAttribute("aria-expanded", show ? "true" : "false");
    if (show && !row.memoryLoaded) row.memoryLoad(true);
  };

  /* Loaded once, when the row is first focused (shown at once if there are matches) or asked
     for with the button. */
  Row.prototype.memoryLoad = function (show) {
    var row = this;
    var url = row.el.getAttribute("data-memory-url");
    if (!url || !row.memoryEl || row.memoryLoaded) return;
    row.memoryLoaded = true;
    if (show) {
      row.memoryEl.textContent = "";
      row.memoryEl.appendChild(element("p", "tr-loading", t("loading", "Loading…")));
    }
    send(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        row.memoryEl.innerHTML = html;  // server-rendered, escaped
        var matches = row.memoryEl.querySelectorAll(".tr-match").length;
        if (row.memoryButton) {
          row.memoryButton.textContent = t("memory", "Memory") + " (" + matches + ")";
        }
        if (matches || show) row.memoryToggle(true);
      })
      .catch(function () {
        row.memoryLoaded = false;
        if (show) {
          row.memoryEl.textContent = "";
          row.memoryEl.appendChild(element("p", "error", t("memoryError", "Could not load the memory; try again.")));
        }
      });
  };

  Row.prototype.machine = function () {
    var row = this;
    var url = row.el.getAttribute("data-machine-url");
    if (!url) return;
    row.memoryEl.hidden = false;
    var card = element("article", "tr-match tr-machine-result");
    card.appendChild(element("p", "tr-loading", t("machineRunning", "Asking the machine translation engine…")));
    row.memoryEl.insertBefore(card, row.memoryEl.firstChild);
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrfToken());
    send(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      card.textContent = "";
      var head = element("header", "tr-match-head");
      head.appendChild(element("span", "badge", t("machine", "Machine translation")));
      card.appendChild(head);
      if (!result.ok) {
        card.appendChild(element("p", "error", result.data.message || t("machineError", "The engine did not answer.")));
        return;
      }
      card.appendChild(element("p", "tr-match-target", result.data.text));
      var use = element("button", "small tr-use", t("use", "Use"));
      use.type = "button";
      use.setAttribute("data-use-text", result.data.text);
      use.setAttribute("data-use-mode", "replace");
      card.appendChild(use);
    }).catch(function () {
      card.textContent = "";
      card.appendChild(element("p", "error", t("machineError", "The engine did not answer.")));
    });
  };

  /* -- text helpers ------------------------------------------------------------------------ */

  function insertAtCursor(textarea, text) {
    var start = textarea.selectionStart, end = textarea.selectionEnd;
    var before = textarea.value.slice(0, start);
    if (before && !/\s$/.test(before)) text = " " + text;
    textarea.focus();
    textarea.setSelectionRange(start, end);
    if (!(document.execCommand && document.execCommand("insertText", false, text))) {
      textarea.setRangeText(text, start, end, "end");
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  function replaceText(textarea, text) {
    textarea.focus();
    textarea.select();
    // insertText keeps the browser's undo (Ctrl+Z brings the old text back).
    if (!(document.execCommand && document.execCommand("insertText", false, text))) {
      textarea.value = text;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  function progressUpdate() {
    var counts = { untranslated: 0, draft: 0, done: 0 };
    var all = page.querySelectorAll(".tr-row");
    all.forEach(function (el) {
      var status = el.getAttribute("data-status");
      if (status in counts) counts[status] += 1;
    });
    var total = all.length || 1;
    Object.keys(counts).forEach(function (name) {
      page.querySelectorAll('[data-count="' + name + '"]').forEach(function (el) {
        el.textContent = counts[name];
      });
    });
    var done = page.querySelector(".tr-progress-done");
    var draft = page.querySelector(".tr-progress-draft");
    var donePercent = Math.round(counts.done * 100 / total);
    if (done) done.setAttribute("width", donePercent + "%");
    if (draft) {
      draft.setAttribute("x", donePercent + "%");
      draft.setAttribute("width", Math.round(counts.draft * 100 / total) + "%");
    }
  }

  function rowOf(node) {
    var el = node && node.closest ? node.closest(".tr-row") : null;
    return el ? byId[el.getAttribute("data-segment")] : null;
  }

  function focusRow(index) {
    var target = rows[index];
    if (!target) return;
    target.textarea.focus();
    target.el.scrollIntoView({ block: "center", behavior: "smooth" });
  }

  function dirtyRows() {
    return rows.filter(function (row) { return row.isDirty() || row.inflight; });
  }

  /* Everything typed goes to the server before a workflow step or an alignment change is
     sent, so those carry the translation's newest version. */
  function flushAll() {
    return Promise.all(rows.map(function (row) { return row.save(); })).then(function () {
      return Promise.all(rows.map(function (row) { return row.inflight || null; }));
    });
  }

  /* -- wiring ---------------------------------------------------------------------------------- */

  page.querySelectorAll(".tr-row[data-save-url]").forEach(function (el) {
    if (!el.querySelector(".tr-textarea")) return;
    var row = new Row(el);
    rows.push(row);
    byId[row.id] = row;
  });

  rows.forEach(function (row, index) {
    row.textarea.addEventListener("input", function () {
      row.blocked = false;
      row.remember();
      if (row.inConflict) return;
      row.setState("pending", t("unsaved", "Unsaved changes"));
      row.schedule();
    });
    row.textarea.addEventListener("blur", function () {
      if (row.isDirty()) row.save();
    });
    row.textarea.addEventListener("focus", function () { row.memoryLoad(false); });
    row.textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        row.pendingStatus = "done";
        row.setStatus("done");
        row.remember();
        row.save();
        focusRow(index + 1);
      } else if (event.altKey && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
        event.preventDefault();
        focusRow(index + (event.key === "ArrowDown" ? 1 : -1));
      }
    });
    row.form.addEventListener("submit", function (event) {
      event.preventDefault();
      row.blocked = false;
      row.save();
    });
    row.el.querySelectorAll("input[name=status]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        if (!radio.checked) return;
        row.pendingStatus = radio.value;
        row.blocked = false;
        row.remember();
        row.save();
      });
    });
    if (row.memoryButton) {
      row.memoryButton.addEventListener("click", function () {
        row.memoryToggle(row.memoryEl.hidden);
      });
    }
    var machineButton = row.el.querySelector(".tr-machine-button");
    if (machineButton) machineButton.addEventListener("click", function () { row.machine(); });
  });

  page.addEventListener("click", function (event) {
    var term = event.target.closest("button.tr-term[data-insert]");
    if (term) {
      var termRow = rowOf(term);
      if (termRow) insertAtCursor(termRow.textarea, term.getAttribute("data-insert"));
      return;
    }
    var use = event.target.closest("button.tr-use[data-use-text]");
    if (use) {
      var useRow = rowOf(use);
      if (!useRow) return;
      if (use.getAttribute("data-use-mode") === "insert") {
        insertAtCursor(useRow.textarea, use.getAttribute("data-use-text"));
      } else {
        replaceText(useRow.textarea, use.getAttribute("data-use-text"));
      }
      return;
    }
    var next = event.target.closest("[data-next]");
    if (next) {
      event.preventDefault();
      var changed = page.querySelector(".tr-row." + next.getAttribute("data-next"));
      if (changed) {
        changed.scrollIntoView({ block: "center", behavior: "smooth" });
        var area = changed.querySelector(".tr-textarea");
        if (area) area.focus({ preventScroll: true });
      }
    }
  });

  /* Merge, split, accept…: plain forms; send what is typed first. */
  page.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList.contains("tr-save-form") || form.hasAttribute("hx-post")) return;
    if (!dirtyRows().length) return;
    event.preventDefault();
    flushAll().then(function () { form.submit(); });
  });

  /* Workflow buttons go through htmx: hold the request until every row is saved. */
  document.addEventListener("htmx:confirm", function (event) {
    if (!page.contains(event.target) || !dirtyRows().length) return;
    event.preventDefault();
    flushAll().then(function () { event.detail.issueRequest(true); });
  });

  /* Text typed earlier in this browser that the server never confirmed. */
  function restore() {
    var restored = 0;
    rows.forEach(function (row) {
      storedKeys(row.id).forEach(function (key) {
        var version = parseInt(key.slice(key.lastIndexOf(":") + 1), 10);
        var entry;
        try { entry = JSON.parse(storage.getItem(key)); } catch (e) { entry = null; }
        if (!entry || typeof entry.text !== "string") { storage.removeItem(key); return; }
        if (entry.text === row.textarea.value && !entry.status) { storage.removeItem(key); return; }
        if (version >= row.version) {
          row.textarea.value = entry.text;
          row.pendingStatus = entry.status || null;
          row.setState("pending", t("restoredRow", "Restored from this browser; saving…"));
          restored += 1;
          row.save();
        } else {
          // Saved by someone since: show both rather than overwrite either.
          restored += 1;
          var mine = entry.text;
          var saved = row.textarea.value;
          row.textarea.value = mine;
          row.conflictShow({
            message: t("restoredConflict", "Text typed earlier in this browser was never saved, and the paragraph was saved since."),
            saved_text: saved, saved_version: row.version, your_text: mine
          });
        }
      });
    });
    var notice = document.getElementById("tr-restore-notice");
    if (restored && notice) {
      notice.textContent = t("restored", "Text typed earlier in this browser and not saved yet was restored; it is saved now unless a paragraph shows a conflict.");
      notice.hidden = false;
    }
  }
  if (storage) restore();

  function retry() {
    rows.forEach(function (row) {
      if (!row.blocked && !row.inConflict && row.isDirty() && !row.inflight) row.save();
    });
  }
  window.addEventListener("online", retry);
  setInterval(retry, RETRY_MS);

  window.addEventListener("beforeunload", function (event) {
    if (!dirtyRows().length) return;
    rows.forEach(function (row) { row.remember(); });
    event.preventDefault();
    event.returnValue = "";
  });
})();
