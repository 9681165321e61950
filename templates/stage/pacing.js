/*
 * Pacing indicator in reveal.js's speaker view: ahead or behind the talk's schedule.
 *
 * Each slide carries data-expected-seconds, its notes' word count at the
 * deck's speaking rate (deck/pacing.py computes it, so the --report table and
 * this indicator agree). The schedule scales those shares to the target
 * length from deck.yaml, so "on track" means "will finish on time".
 *
 * The speaker view is a separate window the notes plugin writes into; it is
 * same-origin with this page (even from file://) and posts a heartbeat to us
 * every second. On each heartbeat we find (or add) our panel in that window
 * and refresh it from the speaker view's own elapsed-time clock, so resetting
 * that clock resets the pacing too. Nothing here loads anything.
 */
(function () {
  "use strict";

  var PANEL_ID = "deck-pacing";

  /* Expected seconds per slide, in reveal's linear order (vertical slides included). */
  function expectedSeconds(deck) {
    return deck.getSlides().map(function (slide) {
      var value = parseFloat(slide.getAttribute("data-expected-seconds"));
      return isFinite(value) && value > 0 ? value : 0;
    });
  }

  /* The schedule: each slide's share of the target, in proportion to its notes. */
  function schedule(expected, targetSeconds) {
    var total = expected.reduce(function (a, b) { return a + b; }, 0);
    if (!(targetSeconds > 0) || total === 0) {
      return expected.slice();
    }
    return expected.map(function (s) { return s * targetSeconds / total; });
  }

  /*
   * Where the speaker stands on slide ``index`` after ``elapsed`` seconds:
   * ahead while the clock has not reached the slide's start in the schedule,
   * behind once it has passed the slide's end, on track in between.
   */
  function status(planned, index, elapsed) {
    var start = 0;
    for (var i = 0; i < index && i < planned.length; i++) {
      start += planned[i];
    }
    var end = start + (planned[index] || 0);
    var total = planned.reduce(function (a, b) { return a + b; }, 0);
    if (elapsed < start) {
      return { state: "ahead", seconds: start - elapsed, start: start, end: end, total: total };
    }
    if (elapsed > end) {
      return { state: "behind", seconds: elapsed - end, start: start, end: end, total: total };
    }
    return { state: "on-track", seconds: end - elapsed, start: start, end: end, total: total };
  }

  function format(seconds) {
    var s = Math.round(Math.abs(seconds));
    var text = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
    return seconds < 0 ? "-" + text : text;
  }

  /* "00:12:34" or ":12:34" pieces from the speaker view's timer, in seconds. */
  function parseClock(text) {
    var parts = String(text).split(":").filter(function (p) { return p.trim() !== ""; }).map(Number);
    if (!parts.length || parts.some(function (n) { return !isFinite(n); })) {
      return null;
    }
    return parts.reduce(function (acc, n) { return acc * 60 + Math.abs(n); }, 0);
  }

  var STYLE = [
    "#" + PANEL_ID + " { padding: 10px; margin: 0 0 10px; border-radius: 4px; font-family: Helvetica, sans-serif; color: #fff; }",
    "#" + PANEL_ID + " h4 { margin: 0 0 4px; color: #fff; }",
    "#" + PANEL_ID + " .pacing-state { font-size: 1.6em; font-weight: bold; }",
    "#" + PANEL_ID + " .pacing-detail { font-size: 0.9em; opacity: 0.85; margin-top: 4px; }",
    "#" + PANEL_ID + ".ahead { background: #1f5f99; }",
    "#" + PANEL_ID + ".on-track { background: #2e7d32; }",
    "#" + PANEL_ID + ".behind { background: #b3261e; }"
  ].join("\n");

  function panelIn(win) {
    var doc = win.document;
    var panel = doc.getElementById(PANEL_ID);
    if (panel) {
      return panel;
    }
    var controls = doc.getElementById("speaker-controls");
    if (!controls) {
      return null;
    }
    var style = doc.createElement("style");
    style.textContent = STYLE;
    doc.head.appendChild(style);
    panel = doc.createElement("div");
    panel.id = PANEL_ID;
    panel.innerHTML = '<h4 class="label">Pacing against the target</h4>' +
      '<div class="pacing-state"></div><div class="pacing-detail"></div>';
    var time = controls.querySelector(".speaker-controls-time");
    controls.insertBefore(panel, time ? time.nextSibling : controls.firstChild);
    return panel;
  }

  function plugin() {
    var deck = null;
    var speaker = null;
    var firstSeen = null;

    function elapsedSeconds() {
      try {
        var timer = speaker.document.querySelector(".speaker-controls-time .timer");
        var value = timer ? parseClock(timer.textContent) : null;
        if (value !== null) {
          return value;
        }
      } catch (e) { /* the window went away; fall back to our own clock */ }
      return (Date.now() - firstSeen) / 1000;
    }

    function refresh() {
      if (!speaker || speaker.closed) {
        return;
      }
      var panel;
      try {
        panel = panelIn(speaker);
      } catch (e) {
        return; /* not same-origin: nothing we may touch */
      }
      if (!panel) {
        return;
      }
      var pacing = deck.getConfig().pacing || {};
      var expected = expectedSeconds(deck);
      var planned = schedule(expected, (pacing.targetMinutes || 0) * 60);
      var now = status(planned, deck.getSlidePastCount(), elapsedSeconds());
      var label = now.state === "ahead" ? "Ahead " + format(now.seconds)
        : now.state === "behind" ? "Behind " + format(now.seconds)
        : "On track (" + format(now.seconds) + " left on this slide)";
      panel.className = now.state;
      panel.setAttribute("data-state", now.state);
      panel.querySelector(".pacing-state").textContent = label;
      var notesTotal = expected.reduce(function (a, b) { return a + b; }, 0);
      panel.querySelector(".pacing-detail").textContent =
        "This slide " + format(now.start) + "\u2013" + format(now.end) +
        " of " + format(now.total) + " \u00b7 notes read in " + format(notesTotal) +
        " at " + (pacing.wordsPerMinute || "?") + " wpm";
    }

    function onMessage(event) {
      var data = null;
      if (typeof event.data !== "string") {
        return;
      }
      try {
        data = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (!data || data.namespace !== "reveal-notes" || !event.source || event.source === window) {
        return;
      }
      if (data.type === "heartbeat" || data.type === "connected") {
        speaker = event.source;
        if (firstSeen === null) {
          firstSeen = Date.now();
        }
        refresh();
      }
    }

    return {
      id: "deck-pacing",
      init: function (reveal) {
        deck = reveal;
        var query = window.location.search;
        if (/receiver/i.test(query) || /print-pdf/i.test(query)) {
          return; /* a preview inside the speaker view, or printing */
        }
        window.addEventListener("message", onMessage);
        deck.on("slidechanged", refresh);
      }
    };
  }

  window.DeckPacing = { expectedSeconds: expectedSeconds, schedule: schedule, status: status, format: format, parseClock: parseClock };
  window.DeckPlugins = window.DeckPlugins || [];
  window.DeckPlugins.push(plugin());
})();
