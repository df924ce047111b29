// Live updates for an open story page. Without this script the page is
// complete on reload; with it, new updates arrive while the reader reads.
"use strict";

(() => {
  const stream = document.querySelector(".update-stream[data-live]");
  if (!stream) return;

  const status = document.querySelector(".live-status");
  const pageTitle = document.title;
  const pollEvery = 15000;
  let after = Number(stream.dataset.after) || 0;
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
    return [...template.content.querySelectorAll("article.update")];
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
    // Oldest first, each on top: the newest ends up first.
    while (waiting.length) insert(waiting.pop(), true);
    announce();
  }

  function insert(article, slide) {
    if (slide) article.classList.add("arriving");
    stream.prepend(article);
  }

  function arrived(article) {
    const id = Number(article.dataset.updateId);
    after = Math.max(after, id);
    if (replace(article)) return;
    if (atTop() && waiting.length === 0) {
      insert(article, true);
      status.textContent = "1 new update";
    } else {
      waiting.unshift(article);
      announce();
    }
  }

  // An edit (or a replayed update we already show) replaces it in place.
  function replace(article) {
    const current = document.getElementById(article.id);
    if (current) {
      current.replaceWith(article);
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

  window.addEventListener("scroll", () => {
    if (waiting.length && atTop()) showWaiting();
  }, { passive: true });

  function listen() {
    const events = new EventSource(stream.dataset.events);
    events.addEventListener("update", (e) => parse(e.data).forEach(arrived));
    events.addEventListener("edit", (e) => parse(e.data).forEach(replace));
    events.addEventListener("delete", (e) => removed(e.data));
    // Too far behind to catch up update by update: load the page afresh.
    events.addEventListener("reload", () => {
      events.close();
      window.location.reload();
    });
    // The browser reconnects by itself, sending Last-Event-ID; only if it
    // gives up for good do we fall back to polling.
    events.addEventListener("error", () => {
      if (events.readyState === EventSource.CLOSED) poll();
    });
  }

  async function poll() {
    try {
      const response = await fetch(`${stream.dataset.updates}?after=${after}`, { cache: "no-store" });
      if (response.ok) parse(await response.text()).reverse().forEach(arrived);
    } finally {
      setTimeout(poll, pollEvery);
    }
  }

  if ("EventSource" in window) listen();
  else setTimeout(poll, pollEvery);
})();
