// Drafts: what an editor types into a desk form (marked `data-draft`) is kept
// in this browser's localStorage as they type, and offered back when the page
// was lost: a closed tab, a crash, a post that failed. The forms work without
// this script; the server keeps forms across expired sessions on its own.
"use strict";

(() => {
  const PREFIX = "newsdesk-draft:";
  // Saving on every keystroke would serialise the whole form each time.
  const DEBOUNCE_MS = 300;
  // Older drafts are dropped, not offered: on a news desk a week-old draft is
  // stale, and localStorage is small.
  const MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
  // Never kept: the session's CSRF token, and the story version the form was
  // loaded at (the server must judge a restored draft against what it holds).
  const SKIPPED = new Set(["csrf_token", "version"]);
  // Set by the server on the 303 after a successful save (handlers/admin/draft_saved.rs).
  const SAVED_COOKIE = "newsdesk_draft_saved";
  // sessionStorage keys: this tab's id, and the form it just submitted.
  const TAB_KEY = "newsdesk-tab";
  const PENDING_KEY = "newsdesk-draft-pending";
  const LOCK_PREFIX = "newsdesk-tab:";
  // How long a page waits for its tab's lock before deciding that another
  // open tab (a duplicate) has it: a reloaded page's predecessor lets go
  // within milliseconds.
  const LOCK_WAIT_MS = 2000;

  // Storage can be full, disabled or blocked (even reading the property can
  // throw): then there are no drafts, and nothing else breaks.
  function read(area, key) {
    try {
      return JSON.parse(window[area].getItem(key));
    } catch {
      return null;
    }
  }
  function write(area, key, value) {
    try {
      window[area].setItem(key, JSON.stringify(value));
    } catch {
      // No room or no storage: the draft is not kept.
    }
  }
  function remove(area, key) {
    try {
      window[area].removeItem(key);
    } catch {
      // Nothing to remove from.
    }
  }
  function draftKeys() {
    try {
      return Object.keys(localStorage).filter((key) => key.startsWith(PREFIX));
    } catch {
      return [];
    }
  }

  function cookie(name) {
    const pair = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
    return pair ? pair.slice(name.length + 1) : null;
  }
  function forgetSavedCookie() {
    const secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = `${SAVED_COOKIE}=; Path=/admin; Max-Age=0; SameSite=Strict${secure}`;
  }

  function newTabId() {
    return Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
  }

  // Two tabs on one form must not overwrite each other's drafts, so each tab
  // writes its own slot, `newsdesk-draft:{form path}:{tab id}`. The tab id
  // lives in sessionStorage (one per tab, kept across reloads). An open tab
  // holds a Web Lock named after its id; the browser releases it when the tab
  // closes or crashes, so the held locks name exactly the open tabs. On a
  // reload the previous page lets go of the lock within moments; a duplicated
  // tab inherits the id but never gets the lock, and takes a new id.
  // Returns the id and the ids of the open tabs, or null where Web Locks are
  // missing (plain-http origins, old browsers): then every other tab's draft
  // counts as ownerless. It is only ever offered, never put in a form unasked.
  async function claimTab() {
    let id = read("sessionStorage", TAB_KEY) || newTabId();
    if (!navigator.locks || !AbortSignal.timeout) {
      write("sessionStorage", TAB_KEY, id);
      return { id, open: null };
    }
    for (;;) {
      const held = await new Promise((resolve) => {
        const signal = AbortSignal.timeout(LOCK_WAIT_MS);
        navigator.locks
          .request(LOCK_PREFIX + id, { signal }, () => {
            resolve(true);
            // Held for as long as this page lives.
            return new Promise(() => {});
          })
          .catch(() => resolve(false));
      });
      if (held) break;
      id = newTabId();
    }
    write("sessionStorage", TAB_KEY, id);
    const { held } = await navigator.locks.query();
    const open = new Set(
      held.filter((l) => l.name.startsWith(LOCK_PREFIX)).map((l) => l.name.slice(LOCK_PREFIX.length)),
    );
    return { id, open };
  }

  // The page after a submit decides the draft's fate: the server names the
  // saved form in a cookie on success; a form sent back with errors (or a
  // sign-in page after an expired session) sets none, so the draft stays.
  function settleLastSubmit() {
    const pending = read("sessionStorage", PENDING_KEY);
    remove("sessionStorage", PENDING_KEY);
    if (pending && cookie(SAVED_COOKIE) === pending.path) {
      remove("localStorage", pending.key);
      forgetSavedCookie();
    }
  }

  function fieldsOf(form) {
    const fields = {};
    for (const el of form.elements) {
      if (!el.name || SKIPPED.has(el.name) || ["hidden", "submit", "button", "file"].includes(el.type)) continue;
      fields[el.name] = el.type === "checkbox" ? el.checked : el.value;
    }
    return fields;
  }

  function fill(form, fields) {
    for (const el of form.elements) {
      // A file control cannot be filled by a script; the photo is chosen again.
      if (!(el.name in fields) || SKIPPED.has(el.name) || ["hidden", "file"].includes(el.type)) continue;
      if (el.type === "checkbox") el.checked = fields[el.name] === true;
      else el.value = fields[el.name];
    }
    // admin.js shows the chosen kind's fields on `change`.
    for (const select of form.querySelectorAll("select")) {
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function sameFields(draft, now) {
    return Object.keys(draft).every((name) => draft[name] === now[name]);
  }

  function button(text, className, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    if (className) b.className = className;
    b.addEventListener("click", onClick);
    return b;
  }

  // Screen readers announce what is said in a status region only if the
  // region was in the page before: so it is added at once, filled later.
  function statusRegion(form) {
    const status = document.createElement("div");
    status.setAttribute("role", "status");
    status.className = "draft-status";
    form.before(status);
    return status;
  }

  function keepDrafts(form, status, tab) {
    // Not `form.action`: the story form's buttons are named "action", and a
    // named control shadows the form's property of that name.
    const path = new URL(form.getAttribute("action"), location.href).pathname;
    const mine = `${PREFIX}${path}:${tab.id}`;

    let timer = null;
    const save = () => {
      clearTimeout(timer);
      timer = null;
      write("localStorage", mine, { at: Date.now(), fields: fieldsOf(form) });
    };
    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(save, DEBOUNCE_MS);
    };
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    // Closing the tab inside the debounce must not lose the last words.
    window.addEventListener("pagehide", () => timer && save());
    form.addEventListener("submit", () => {
      save();
      forgetSavedCookie();
      write("sessionStorage", PENDING_KEY, { key: mine, path });
    });

    // What to offer: this tab's own draft, if it has one (a reload, a failed
    // post). Only a tab fresh to this form is offered the drafts that no open
    // tab owns (a closed or crashed tab's), newest first, so that adopting one
    // never replaces work of its own. Another open tab's draft is never
    // offered: that tab still has it on screen. One at a time; "Discard"
    // moves to the next.
    const own = read("localStorage", mine);
    const ownerless = (key) => !(tab.open && tab.open.has(key.slice(key.lastIndexOf(":") + 1)));
    const candidates = own && own.fields
      ? [{ key: mine, draft: own }]
      : draftKeys()
        .filter((key) => key.startsWith(`${PREFIX}${path}:`) && ownerless(key))
        .map((key) => ({ key, draft: read("localStorage", key) }))
        .filter(({ draft }) => draft && draft.fields)
        .sort((a, b) => b.draft.at - a.draft.at);

    const offerNext = () => {
      status.replaceChildren();
      for (;;) {
        const next = candidates.shift();
        if (!next) return;
        const { key, draft } = next;
        if (!sameFields(draft.fields, fieldsOf(form))) {
          offer(key, draft);
          return;
        }
        // Another tab's draft that the form already holds adds nothing. This
        // tab's own is kept: after a failed post it is the only copy.
        if (key !== mine) remove("localStorage", key);
      }
    };

    const offer = (key, draft) => {
      const at = new Date(draft.at);
      // Today's drafts by time alone; older ones need the day too.
      const when = at.toDateString() === new Date().toDateString()
        ? at.toLocaleTimeString([], { timeStyle: "short" })
        : at.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
      const notice = document.createElement("p");
      notice.className = "notice draft-notice";
      notice.append(
        `This browser kept an unsaved draft of this form from ${when}, different from what the form holds now. `,
        button("Restore draft", "", () => {
          fill(form, draft.fields);
          // Adopted: from now on it is this tab's draft.
          if (key !== mine) remove("localStorage", key);
          save();
          status.replaceChildren(Object.assign(document.createElement("p"), { className: "notice", textContent: "Draft restored." }));
          form.querySelector("textarea, input:not([type=hidden]), select")?.focus();
        }),
        " ",
        button("Discard", "secondary", () => {
          remove("localStorage", key);
          offerNext();
        }),
      );
      status.append(notice);
    };

    offerNext();
    // Tells the browser tests the offer has been decided.
    form.dataset.draftReady = "";
  }

  function pruneOld() {
    for (const key of draftKeys()) {
      const draft = read("localStorage", key);
      if (!draft || !(Date.now() - draft.at < MAX_AGE_MS)) remove("localStorage", key);
    }
  }

  settleLastSubmit();
  const forms = [...document.querySelectorAll("form[data-draft]")];
  if (forms.length === 0) return;
  const regions = forms.map(statusRegion);
  claimTab().then((tab) => {
    pruneOld();
    forms.forEach((form, i) => keepDrafts(form, regions[i], tab));
  });
})();
