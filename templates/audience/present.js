/*
 * Present mode's page script, added to index.html by `build.py --present`
 * (the built file on disk never carries it). One script, two roles, chosen
 * by the server in window.DeckPresentConfig:
 *
 *  - presenter: tells the server every slide and fragment change (with the
 *    run's token) and shows the audience address and QR code in the speaker view;
 *  - audience: follows the presenter over Server-Sent Events, may look back
 *    at earlier slides and return to "live", and on the draw-a-digit slide
 *    offers a pad to draw a digit, say which one it is and send it to the room.
 *
 * Classic script, nothing loaded from elsewhere. Other scripts hear the
 * room's state as the window event "deckpresent:state" (detail: the state).
 */
(function () {
  "use strict";

  var cfg = window.DeckPresentConfig;
  if (!cfg) return;
  var API = "/__present__/";
  var query = window.location.search;
  var preview = /receiver/i.test(query) || /print-pdf/i.test(query);

  /* ---- the {{ join() }} slide and anything else that shows the address ---------- */

  function fillJoin(doc) {
    var nodes = doc.querySelectorAll("[data-join]");
    for (var i = 0; i < nodes.length; i++) {
      var qr = nodes[i].querySelector("[data-join-qr]");
      var address = nodes[i].querySelector("[data-join-address]");
      if (qr) qr.innerHTML = cfg.qr; // drawn by our own server from the address it serves
      if (address) address.textContent = cfg.audience;
      nodes[i].classList.add("deck-join-live");
    }
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function announce(state) {
    var event;
    try {
      event = new CustomEvent("deckpresent:state", { detail: state });
    } catch (e) {
      event = document.createEvent("CustomEvent");
      event.initCustomEvent("deckpresent:state", false, false, state);
    }
    window.dispatchEvent(event);
  }

  /** The server's events; EventSource reconnects by itself after a drop. */
  function follow(onState, onLink) {
    var source = new EventSource(API + "events");
    source.addEventListener("state", function (e) {
      var state;
      try { state = JSON.parse(e.data); } catch (err) { return; }
      window.DeckPresent.state = state;
      onLink(true);
      onState(state);
      announce(state);
    });
    source.addEventListener("error", function () { onLink(false); });
    return source;
  }

  function indicesNow(R) {
    var i = R.getIndices();
    return { h: i.h || 0, v: i.v || 0, f: typeof i.f === "number" ? i.f : -1 };
  }

  function order(a, b) {
    return a.h !== b.h ? a.h - b.h : a.v !== b.v ? a.v - b.v : a.f - b.f;
  }

  /* ---- presenter ------------------------------------------------------------------------ */

  function presenter(R) {
    var inFlight = false, again = false, lastSent = null, retry = 0;

    /** Tell the server where the talk is now; the latest position wins, a failure retries in a second. */
    function sync() {
      if (inFlight) { again = true; return; }
      var position = indicesNow(R);
      if (lastSent && order(position, lastSent) === 0) return;
      inFlight = true;
      again = false;
      window.DeckPresent.post("slide", position).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        lastSent = position;
        return true;
      }).catch(function () { return false; }).then(function (ok) {
        inFlight = false;
        showLink(ok);
        clearTimeout(retry);
        if (again) sync();
        else if (!ok) retry = setTimeout(sync, 1000);
      });
    }

    var badge = el("div", { class: "present-link", "data-role": "present-link", hidden: "" }, "Lost the room's server: slides are not reaching the phones");
    document.body.appendChild(badge);
    function showLink(ok) {
      if (ok) badge.setAttribute("hidden", ""); else badge.removeAttribute("hidden");
    }

    window.DeckPresent.post = function (path, body) {
      return window.fetch(API + path, {
        method: "POST", headers: { "Content-Type": "application/json", "X-Deck-Token": cfg.token },
        body: JSON.stringify(body)
      });
    };
    ["slidechanged", "fragmentshown", "fragmenthidden", "overviewhidden"].forEach(function (name) { R.on(name, sync); });
    sync();
    follow(function (state) { speakerRefresh(state); }, function () {});
    bindSpeakerView();
  }

  /* The speaker view is a window the notes plugin writes into; it posts us a heartbeat every second. */
  var speaker = null;
  var SPEAKER_ID = "deck-present-join";

  function speakerRefresh(state) {
    if (!speaker || speaker.closed) return;
    var doc, panel;
    try {
      doc = speaker.document;
      panel = doc.getElementById(SPEAKER_ID);
    } catch (e) {
      return;
    }
    if (!panel) {
      var controls = doc.getElementById("speaker-controls");
      if (!controls) return;
      var style = doc.createElement("style");
      style.textContent = "#" + SPEAKER_ID + "{display:flex;gap:12px;align-items:center;padding:10px;margin:0 0 10px;" +
        "background:#222;border-radius:4px;font-family:Helvetica,sans-serif;color:#fff}" +
        "#" + SPEAKER_ID + " .qr{width:132px;height:132px;flex:none;background:#fff}" +
        "#" + SPEAKER_ID + " .qr svg{width:100%;height:100%;display:block}" +
        "#" + SPEAKER_ID + " .address{font-size:1.1em;font-weight:bold;word-break:break-all}" +
        "#" + SPEAKER_ID + " .room{margin-top:6px;opacity:.85}";
      doc.head.appendChild(style);
      panel = doc.createElement("div");
      panel.id = SPEAKER_ID;
      panel.innerHTML = '<div class="qr"></div><div><h4 class="label">The room joins at</h4>' +
        '<div class="address"></div><div class="room"></div></div>';
      panel.querySelector(".qr").innerHTML = cfg.qr;
      panel.querySelector(".address").textContent = cfg.audience;
      controls.insertBefore(panel, controls.firstChild);
    }
    var s = state || window.DeckPresent.state;
    if (s) {
      panel.querySelector(".room").textContent = s.count + " digits from the room" + (s.frozen ? " \u00b7 paused" : "");
    }
  }

  function bindSpeakerView() {
    window.addEventListener("message", function (event) {
      if (typeof event.data !== "string" || !event.source || event.source === window) return;
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (!data || data.namespace !== "reveal-notes") return;
      if (data.type === "heartbeat" || data.type === "connected") {
        speaker = event.source;
        speakerRefresh(null);
      }
    });
  }

  /* ---- audience ------------------------------------------------------------------------- */

  function audience(R) {
    var live = null, following = true, steering = false, client = null, state = null;

    var bar = el("div", { class: "present-bar", "data-role": "present-bar", "data-prevent-swipe": "" });
    var liveDot = el("span", { class: "present-live", "data-role": "live" }, "Live");
    var backBtn = el("button", { type: "button", class: "present-back", "data-role": "back-to-live", hidden: "" }, "Live \u25b8");
    var where = el("span", { class: "present-where", "data-role": "where" }, "Connecting\u2026");
    bar.appendChild(liveDot);
    bar.appendChild(backBtn);
    bar.appendChild(where);
    document.body.appendChild(bar);
    document.documentElement.classList.add("present-audience");

    /** The number reveal.js shows for a position (vertical slides count too). */
    function slideNumber(position) {
      var section = R.getSlide(position.h, position.v);
      var index = section ? R.getSlides().indexOf(section) : -1;
      return index >= 0 ? String(index + 1) : String(position.h + 1);
    }

    function go(position) {
      steering = true;
      try { R.slide(position.h, position.v, position.f); } finally { steering = false; }
    }

    function showMode() {
      bar.classList.toggle("present-following", following);
      liveDot.textContent = following ? "Live" : "Earlier slide";
      if (following) backBtn.setAttribute("hidden", ""); else backBtn.removeAttribute("hidden");
      bar.setAttribute("data-mode", following ? "live" : "back");
      var count = state && state.count ? " \u00b7 " + state.count + " drawn" : "";
      where.textContent = live ? "Slide " + slideNumber(live) + count : "Waiting for the speaker";
      sheet.update();
    }

    function moved() {
      if (steering || !live) return;
      var now = indicesNow(R);
      var d = order(now, live);
      if (d > 0) { following = true; go(live); }  // no peeking ahead of the speaker
      else following = d === 0;
      showMode();
    }

    backBtn.addEventListener("click", function () { following = true; if (live) go(live); showMode(); });
    ["slidechanged", "fragmentshown", "fragmenthidden"].forEach(function (name) { R.on(name, moved); });

    var sheet = drawSheet(R, function () { return live; }, function () { return following; },
      function () { return state; }, function () { return client; });

    follow(function (s) {
      state = s;
      var changed = !live || order(s.slide, live) !== 0;
      live = s.slide;
      if (following && changed) go(live);
      showMode();
    }, function (ok) { bar.classList.toggle("present-offline", !ok); if (!ok) where.textContent = "Reconnecting\u2026"; });

    (function hello(wait) {
      window.fetch(API + "hello", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" })
        .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
        .then(function (res) { if (!res.ok) throw new Error(res.body.error); client = res.body.client; sheet.update(); })
        .catch(function () { setTimeout(function () { hello(Math.min(wait * 2, 30000)); }, wait); });
    })(2000);
  }

  /* The bottom sheet on the draw-a-digit slide: draw, pick the digit, send. */
  function drawSheet(R, getLive, isFollowing, getState, getClient) {
    var PAD = 280, LINE = 22;
    var sheet = el("section", { class: "present-sheet", "data-role": "draw-sheet", "data-prevent-swipe": "", hidden: "", "aria-label": "Send a digit to the room" });
    var head = el("div", { class: "present-sheet-head" });
    head.appendChild(el("h2", {}, "Draw a digit for the room"));
    var closeBtn = el("button", { type: "button", class: "present-close", "data-role": "close-sheet", "aria-label": "Close" }, "\u00d7");
    head.appendChild(closeBtn);
    var pad = el("canvas", { class: "present-pad", "data-role": "room-pad", width: PAD, height: PAD, "aria-label": "Drawing pad" });
    var padCtx = pad.getContext("2d");
    var ask = el("p", { class: "present-ask" }, "Which digit did you draw?");
    var digits = el("div", { class: "present-digits", role: "group", "aria-label": "The digit you meant" });
    var digitBtns = [];
    for (var d = 0; d < 10; d++) {
      var b = el("button", { type: "button", "data-role": "pick", "data-digit": String(d), "aria-pressed": "false" }, String(d));
      digitBtns.push(b);
      digits.appendChild(b);
    }
    var actions = el("div", { class: "present-actions" });
    var clearBtn = el("button", { type: "button", "data-role": "room-clear" }, "Clear");
    var sendBtn = el("button", { type: "button", class: "present-send", "data-role": "room-send", disabled: "" }, "Send");
    actions.appendChild(clearBtn);
    actions.appendChild(sendBtn);
    var status = el("p", { class: "present-status", "data-role": "room-status", "aria-live": "polite" }, "");
    var body = el("div", { class: "present-sheet-body" });
    body.appendChild(pad);
    var side = el("div", { class: "present-sheet-side" });
    side.appendChild(ask);
    side.appendChild(digits);
    side.appendChild(actions);
    side.appendChild(status);
    body.appendChild(side);
    sheet.appendChild(head);
    sheet.appendChild(body);
    var opener = el("button", { type: "button", class: "present-open", "data-role": "open-sheet", hidden: "" }, "\u270e Draw a digit for the room");
    document.body.appendChild(sheet);
    document.body.appendChild(opener);

    var picked = null, drawn = false, last = null, activeId = null, sending = false, closed = false, sentCount = 0;
    var preprocessor = window.Demos && window.Demos.Preprocessor ? new window.Demos.Preprocessor(PAD, PAD) : null;

    function blank() {
      padCtx.setTransform(1, 0, 0, 1, 0, 0);
      padCtx.fillStyle = "#000";
      padCtx.fillRect(0, 0, PAD, PAD);
      drawn = false;
    }
    blank();

    function point(e) {
      var r = pad.getBoundingClientRect();
      return { x: (e.clientX - r.left) * PAD / (r.width || PAD), y: (e.clientY - r.top) * PAD / (r.height || PAD) };
    }
    function ink(p) {
      window.Demos.penTo(padCtx, last, p, LINE);
      last = p;
      drawn = true;
    }
    pad.style.touchAction = "none";
    pad.addEventListener("pointerdown", function (e) {
      if (activeId !== null) return;
      activeId = e.pointerId;
      try { pad.setPointerCapture(e.pointerId); } catch (err) { /* synthetic events */ }
      e.preventDefault();
      last = null;
      ink(point(e));
      update();
    });
    pad.addEventListener("pointermove", function (e) {
      if (e.pointerId !== activeId) return;
      e.preventDefault();
      ink(point(e));
    });
    function end(e) { if (e.pointerId === activeId) { activeId = null; last = null; update(); } }
    pad.addEventListener("pointerup", end);
    pad.addEventListener("pointercancel", end);

    digitBtns.forEach(function (btn, i) {
      btn.addEventListener("click", function () { picked = i; update(); });
    });
    clearBtn.addEventListener("click", function () { blank(); status.textContent = ""; update(); });
    closeBtn.addEventListener("click", function () { closed = true; update(); });
    opener.addEventListener("click", function () { closed = false; update(); });

    /** The drawing as MNIST sees it: 28x28 bytes, the same normalisation as the draw-a-digit demo. */
    function pixels() {
      var data = padCtx.getImageData(0, 0, PAD, PAD).data;
      var inkValues = new Float32Array(PAD * PAD);
      for (var k = 0; k < inkValues.length; k++) inkValues[k] = data[4 * k] / 255;
      var result = preprocessor.run(inkValues);
      var bytes = new Uint8Array(result.image.length);
      for (k = 0; k < bytes.length; k++) bytes[k] = Math.round(result.image[k] * 255);
      return { bytes: bytes, image: result.image, empty: result.empty };
    }

    function base64(bytes) {
      var s = "";
      for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
      return window.btoa(s);
    }

    function guess(image) {
      try { return window.Demos.trainedNetwork().predict(image); } catch (e) { return null; }
    }

    function post(payload, attempt) {
      return window.fetch(API + "digit", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload)
      }).then(function (r) {
        return r.json().then(function (j) { return { status: r.status, body: j }; });
      }).catch(function (err) {
        if (attempt < 2) return new Promise(function (ok) { setTimeout(ok, 800); }).then(function () { return post(payload, attempt + 1); });
        throw err;
      });
    }

    sendBtn.addEventListener("click", function () {
      if (sendBtn.disabled) return;
      var p = pixels();
      if (p.empty) { status.textContent = "Draw a digit first."; return; }
      var answer = guess(p.image);
      var payload = { client: getClient(), nonce: Date.now().toString(36) + Math.random().toString(36).slice(2, 10), label: picked, pixels: base64(p.bytes) };
      sending = true;
      update();
      status.textContent = "Sending\u2026";
      post(payload, 0).then(function (res) {
        if (res.status === 201 || res.status === 200) {
          sentCount += 1;
          status.textContent = "Sent! " + (answer === null ? "" : answer === picked ? "The network read it as " + answer + ", too. " :
            "The network read it as " + answer + ". ") + "Look at the screen.";
          status.setAttribute("data-state", "sent");
          blank();
          picked = null;
        } else {
          status.textContent = (res.body && res.body.error) || "Not sent (" + res.status + ")";
          status.setAttribute("data-state", "refused");
        }
      }).catch(function () {
        status.textContent = "Could not reach the room's server; try again.";
        status.setAttribute("data-state", "offline");
      }).then(function () { sending = false; update(); });
    });

    function onDrawSlide() {
      var live = getLive();
      if (!live || !preprocessor) return false;
      var section = R.getSlide(live.h, live.v);
      return !!(section && section.querySelector('[data-demo="draw-digit"]'));
    }

    function update() {
      var here = onDrawSlide() && isFollowing();
      var state = getState();
      var open = !!(state && state.open);
      if (here && !closed) sheet.removeAttribute("hidden"); else sheet.setAttribute("hidden", "");
      if (here && closed) opener.removeAttribute("hidden"); else opener.setAttribute("hidden", "");
      digitBtns.forEach(function (btn, i) {
        btn.setAttribute("aria-pressed", picked === i ? "true" : "false");
      });
      sendBtn.disabled = sending || !drawn || picked === null || !open || !getClient();
      if (state && !open && !sending) {
        status.textContent = state.frozen ? "The speaker has paused the room." : "The room has sent all the digits it can.";
        status.setAttribute("data-state", "closed");
      } else if (status.getAttribute("data-state") === "closed") {
        status.textContent = "";
        status.removeAttribute("data-state");
      }
      ask.textContent = picked === null ? "Which digit did you draw?" : "You drew a " + picked + (sentCount ? " \u00b7 sent " + sentCount : "");
    }

    return { update: update };
  }

  /* ---- start ------------------------------------------------------------------------------- */

  window.DeckPresent = { config: cfg, state: null };
  function start() {
    fillJoin(document);
    if (preview || !window.Reveal) return;
    var R = window.Reveal;
    var run = function () { if (cfg.role === "presenter") presenter(R); else audience(R); };
    if (R.isReady && R.isReady()) run(); else R.on("ready", run);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
