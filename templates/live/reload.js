/*
 * Live reload for `build.py --watch`: the dev server adds this script to the page it
 * serves (never to a built deck). It reloads on a new build, keeping the slide, and
 * shows a failed build's one-line error over the last good deck until a fix clears it.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var loaded = Number(script && script.getAttribute("data-build"));
  var overlay = null;

  function show(message) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "deck-build-error";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;left:0;right:0;top:0;z-index:2147483647;" +
        "padding:14px 20px;background:#b3261e;color:#fff;font:16px/1.4 ui-monospace,Menlo,Consolas,monospace;" +
        "white-space:pre-wrap;box-shadow:0 2px 12px rgba(0,0,0,.4)";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "Build failed; showing the last good deck.\n" + message;
  }

  function hide() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  /* reveal writes the slide into the URL only after a pause; write it now so the reload lands here. */
  function keepPosition() {
    if (!window.Reveal || !Reveal.isReady || !Reveal.isReady()) {
      return;
    }
    var at = Reveal.getIndices();
    var hash = "#/" + at.h + "/" + (at.v || 0) + (typeof at.f === "number" ? "/" + at.f : "");
    window.history.replaceState(null, "", window.location.pathname + window.location.search + hash);
  }

  var events = new EventSource("/__deck__/events");
  events.addEventListener("state", function (event) {
    var state = JSON.parse(event.data);
    if (state.build !== loaded) {
      keepPosition();
      window.location.reload();
      return;
    }
    if (state.error) {
      show(state.error);
    } else {
      hide();
    }
  });
  window.DeckLive = { build: loaded, events: events };
})();
