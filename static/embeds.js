// Click-to-load videos. A facade (figure.video-embed, written by the server
// when the update was saved) shows a local poster and a play button; nothing
// is asked of YouTube or Vimeo until the reader presses it. Then the
// privacy-enhanced player is framed in its place. Without this script the
// play button stays hidden and the facade's link leads to the video's page.
//
// One listener on the document answers every facade, including those that
// live updates add to an open page later. The player's address is built here
// from the provider and id, each checked again: nothing else in the page
// becomes a frame's address.
"use strict";

(() => {
  const players = {
    youtube: {
      id: /^[A-Za-z0-9_-]{11}$/,
      url: (id, start) =>
        `https://www.youtube-nocookie.com/embed/${id}?autoplay=1${start ? `&start=${start}` : ""}`,
    },
    vimeo: {
      id: /^[0-9]{1,12}$/,
      url: (id, start, hash) =>
        `https://player.vimeo.com/video/${id}?dnt=1&autoplay=1` +
        (hash ? `&h=${hash}` : "") +
        (start ? `#t=${start}s` : ""),
    },
  };

  // The play buttons are shown only where this script runs.
  document.documentElement.classList.add("video-players");

  function playerUrl(facade) {
    const { videoProvider, videoId, videoStart, videoHash } = facade.dataset;
    const player = Object.hasOwn(players, videoProvider) ? players[videoProvider] : null;
    if (!player || !player.id.test(videoId ?? "")) return null;
    const start = /^[0-9]{1,6}$/.test(videoStart ?? "") ? videoStart : "";
    const hash = /^[0-9a-f]{6,20}$/.test(videoHash ?? "") ? videoHash : "";
    return player.url(videoId, start, hash);
  }

  function play(facade) {
    const url = playerUrl(facade);
    const frame = facade.querySelector(".video-frame");
    if (!url || !frame) return;
    const title = facade.querySelector(".video-poster-title")?.textContent.trim() || "Video";
    const iframe = document.createElement("iframe");
    iframe.src = url;
    iframe.title = title;
    iframe.allow = "autoplay; encrypted-media; fullscreen; picture-in-picture";
    iframe.allowFullscreen = true;
    iframe.referrerPolicy = "strict-origin-when-cross-origin";
    frame.replaceChildren(iframe);
    facade.classList.add("playing");
    iframe.focus();
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest?.("figure.video-embed .video-play");
    if (!button) return;
    event.preventDefault();
    play(button.closest("figure.video-embed"));
  });
})();
