/*
 * Live updates for `build.py --watch`: the dev server adds this script to the page it
 * serves (never to a built deck). When only slides changed, the new build's sections are
 * swapped in place: the slide, its fragment, every other slide's DOM and every demo whose
 * options did not change are kept as they are. Anything else reloads the page on the same
 * slide. A failed build's one-line error shows over the last good deck until a fix clears it.
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

  /* A demo keeps running across an edit of its slide when the build rendered it the same way. */
  function keepDemos(old, fresh) {
    var before = old.querySelectorAll("[data-demo]"), after = fresh.querySelectorAll("[data-demo]");
    for (var i = 0; i < after.length && i < before.length; i++) {
      var same = before[i].getAttribute("data-demo") === after[i].getAttribute("data-demo") &&
        before[i].getAttribute("data-options") === after[i].getAttribute("data-options");
      if (same) after[i].replaceWith(before[i]);
    }
  }

  /* Swap the changed slides in; false when the page cannot follow (then it reloads). */
  function patch(update) {
    if (!window.Reveal || !Reveal.isReady || !Reveal.isReady()) return false;
    var slides = document.querySelectorAll(".reveal .slides section:not(.stack)");  // the build's order
    if (slides.length !== update.count) return false;
    var at = Reveal.getIndices();
    update.slides.forEach(function (change) {
      var old = slides[change.index], holder = document.createElement("div");
      holder.innerHTML = change.html;
      var fresh = holder.firstElementChild;
      if (!old || !fresh) return;
      keepDemos(old, fresh);
      old.replaceWith(fresh);
    });
    Reveal.sync();
    Reveal.slide(at.h, at.v, at.f);
    if (window.Demos && Demos.mountAll) Demos.mountAll(document);
    return true;
  }

  var events = new EventSource("/__deck__/events");
  events.addEventListener("state", function (event) {
    var state = JSON.parse(event.data);
    if (state.build !== loaded) {
      var inPlace = state.patch && state.patch.from === loaded && patch(state.patch);
      if (!inPlace) {
        keepPosition();
        window.location.reload();
        return;
      }
      loaded = state.build;
      window.DeckLive.build = loaded;
      window.DeckLive.patched += 1;
    }
    if (state.error) {
      show(state.error);
    } else {
      hide();
    }
  });
  window.DeckLive = { build: loaded, events: events, patched: 0 };
})();
