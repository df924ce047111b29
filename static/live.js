// Live updates for an open story page. Without this script the page is
// complete on reload; with it, every change arrives while the reader reads.
//
// The server numbers every change (new update, edit, deletion, story change)
// with one cursor. The page starts at the cursor it was rendered at; the
// event stream and the polling fallback both send the changes after it, in
// order, and the browser resends the last one it got when it reconnects.
"use strict";

(() => {
  const stream = document.querySelector(".update-stream[data-live]");
  if (!stream) return;

  const status = document.querySelector(".live-status");
  const headline = document.querySelector(".story-header h1");
  const morePages = document.querySelector("nav.pagination");
  const pageTitle = document.title;
  const pollEvery = 15000;
  let cursor = Number(stream.dataset.cursor) || 0;
  let events = null;
  const waiting = []; // updates that arrived while the reader was scrolled down

  const button = document.createElement("button");
  button.type = "button";
  button.className = "new-updates";
  button.hidden = true;
  stream.before(button);
  button.addEventListener("click", () => {
    showWaiting();
    stream.scrollIntoView({ behavior: "smooth", block: "start" });
  });

  function parse(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.querySelector("article.update");
  }

  // Newest first: by posting time, then by id, as the server orders them.
  function isNewer(a, b) {
    const at = a.querySelector("time")?.getAttribute("datetime") ?? "";
    const bt = b.querySelector("time")?.getAttribute("datetime") ?? "";
    if (at !== bt) return Date.parse(at) > Date.parse(bt);
    return Number(a.dataset.updateId) > Number(b.dataset.updateId);
  }

  // Puts an update where it belongs in the stream; one older than every
  // update shown belongs on a later page when there is one.
  function place(article, slide) {
    document.getElementById(article.id)?.remove();
    if (slide) article.classList.add("arriving");
    const later = [...stream.querySelectorAll("article.update")].find((a) => isNewer(article, a));
    if (later) later.before(article);
    else if (!morePages) stream.append(article);
  }

  // Reading above the stream, or at its top: inserting moves nothing they are reading.
  function atTop() {
    return stream.getBoundingClientRect().top >= 0;
  }

  function announce() {
    const n = waiting.length;
    button.hidden = n === 0;
    button.textContent = n === 1 ? "1 new update" : `${n} new updates`;
    document.title = n ? `(${n}) ${pageTitle}` : pageTitle;
    status.textContent = n ? button.textContent : "";
  }

  function showWaiting() {
    while (waiting.length) place(waiting.pop(), true);
    announce();
  }

  function arrived(article) {
    if (replace(article)) return;
    if (atTop() && waiting.length === 0) {
      place(article, true);
      status.textContent = "1 new update";
    } else {
      waiting.unshift(article);
      announce();
    }
  }

  // An edit (or a replayed update we already show) replaces it where it is.
  function replace(article) {
    if (document.getElementById(article.id)) {
      place(article, false);
      return true;
    }
    const index = waiting.findIndex((w) => w.id === article.id);
    if (index >= 0) waiting[index] = article;
    return index >= 0;
  }

  function removed(id) {
    document.getElementById(`update-${id}`)?.remove();
    const index = waiting.findIndex((w) => w.id === `update-${id}`);
    if (index >= 0) {
      waiting.splice(index, 1);
      announce();
    }
  }

  function storyChanged(state) {
    if (headline && state.headline) headline.textContent = state.headline;
    if (state.live_state === "ended") {
      status.textContent = "Live coverage has ended.";
      events?.close();
    }
  }

  function apply(kind, data) {
    if (kind === "update") {
      const article = parse(data);
      if (article) arrived(article);
    } else if (kind === "edit") {
      const article = parse(data);
      if (article && !replace(article)) arrived(article);
    } else if (kind === "delete") {
      removed(data);
    } else if (kind === "story") {
      storyChanged(JSON.parse(data));
    } else if (kind === "reload") {
      // Too far behind to catch up change by change: load the page afresh.
      events?.close();
      window.location.reload();
    }
  }

  function listen() {
    events = new EventSource(stream.dataset.events);
    for (const kind of ["update", "edit", "delete", "story", "reload"]) {
      events.addEventListener(kind, (e) => {
        if (e.lastEventId) cursor = Number(e.lastEventId);
        apply(kind, e.data);
      });
    }
    // The browser reconnects by itself, sending Last-Event-ID; only if it
    // gives up for good do we fall back to polling.
    events.addEventListener("error", () => {
      if (events.readyState === EventSource.CLOSED) poll();
    });
  }

  async function poll() {
    try {
      const response = await fetch(`${stream.dataset.updates}?after=${cursor}`, { cache: "no-store" });
      if (!response.ok) return;
      const template = document.createElement("template");
      template.innerHTML = await response.text();
      for (const change of template.content.querySelectorAll("[data-change]")) {
        const kind = change.dataset.change;
        const data = kind === "delete" ? change.dataset.update
          : kind === "story" ? change.dataset.story
          : change.innerHTML;
        apply(kind, data);
      }
      cursor = Number(response.headers.get("Live-Cursor")) || cursor;
    } finally {
      setTimeout(poll, pollEvery);
    }
  }

  if ("EventSource" in window) listen();
  else setTimeout(poll, pollEvery);
})();
