/*
 * Demo runtime: mounts every [data-demo] element on the page, keeps demos
 * quiet while their slide is off screen, and shields reveal.js from the
 * keys and pointer gestures a demo needs for itself.
 *
 * A demo registers a factory: Demos.register(name, function (ctx) {...}).
 * The factory builds its UI inside ctx.body and returns an object with any
 * of: reset(), pause(), resume(), frame(dtMs), key(event) -> true if handled,
 * and getState() / setState(state) (plain JSON) so the speaker view's preview
 * shares the audience's demo: see "One state, two windows" below.
 * Classic script: everything hangs off window.Demos.
 */
(function () {
  "use strict";

  var factories = {};
  var instances = [];
  var canvases = [];   // every view from setupCanvas, re-fitted on resize
  var rafId = 0;
  var lastTime = 0;
  var revealBound = false;

  /** Create an element: el("div", {class: "x", "data-role": "y"}, [children]). */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === "text") node.textContent = v;
        else if (k === "on") {
          Object.keys(v).forEach(function (evt) { node.addEventListener(evt, v[evt]); });
        } else node.setAttribute(k, v === true ? "" : String(v));
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  /**
   * Pointer position in canvas pixel units. reveal.js scales slides with CSS
   * transforms or zoom, so the on-screen box differs from canvas.width/height.
   */
  function canvasPoint(canvas, event) {
    var r = canvas.getBoundingClientRect();
    var sx = r.width > 0 ? canvas.width / r.width : 1;
    var sy = r.height > 0 ? canvas.height / r.height : 1;
    return { x: (event.clientX - r.left) * sx, y: (event.clientY - r.top) * sy };
  }

  /**
   * One step of a white pen on a drawing pad: a round-capped line from the last point, or a
   * dot where a stroke starts (last null). Shared by draw-digit and the audience's phone pad.
   */
  function penTo(g, last, p, width) {
    g.strokeStyle = g.fillStyle = "#fff";
    g.lineCap = g.lineJoin = "round";
    g.lineWidth = width;
    g.beginPath();
    if (last) { g.moveTo(last.x, last.y); g.lineTo(p.x, p.y); g.stroke(); }
    else { g.arc(p.x, p.y, width / 2, 0, 2 * Math.PI); g.fill(); }
  }

  /**
   * Unified pointer handling (mouse, pen, touch) with capture, so a stroke that
   * leaves the canvas still ends. Handlers receive canvas-pixel points.
   */
  function pointer(canvas, handlers) {
    var activeId = null;
    canvas.style.touchAction = "none";
    canvas.setAttribute("data-prevent-swipe", "");
    canvas.addEventListener("pointerdown", function (e) {
      if (activeId !== null || (e.pointerType === "mouse" && e.button !== 0)) return;
      activeId = e.pointerId;
      try { canvas.setPointerCapture(e.pointerId); } catch (err) { /* synthetic events */ }
      // preventDefault stops text selection and page scrolling, but also the
      // default focus change: the demo root's own pointerdown listener focuses it.
      e.preventDefault();
      if (handlers.down) handlers.down(canvasPoint(canvas, e), e);
    });
    canvas.addEventListener("pointermove", function (e) {
      if (e.pointerId !== activeId) {
        if (activeId === null && handlers.hover) handlers.hover(canvasPoint(canvas, e), e);
        return;
      }
      e.preventDefault();
      if (handlers.move) handlers.move(canvasPoint(canvas, e), e);
    });
    function end(e) {
      if (e.pointerId !== activeId) return;
      activeId = null;
      if (handlers.up) handlers.up(canvasPoint(canvas, e), e);
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    canvas.addEventListener("lostpointercapture", end);
    return {
      /** End the gesture under way (the demo paused): later moves draw nothing until a new press. */
      cancel: function () {
        if (activeId === null) return;
        var id = activeId;
        activeId = null;
        try { canvas.releasePointerCapture(id); } catch (err) { /* already released */ }
        if (handlers.up) handlers.up(null, null);
      }
    };
  }

  /** A labelled range slider whose value is mirrored in the DOM for tests. */
  function slider(opts) {
    var input = el("input", {
      type: "range", min: opts.min, max: opts.max, step: opts.step,
      "data-role": opts.role, "aria-label": opts.label
    });
    input.value = String(opts.value);
    var out = el("output", { class: "demo-value" });
    var format = opts.format || function (v) { return v.toFixed(2); };
    function show() { out.textContent = format(parseFloat(input.value)); }
    input.addEventListener("input", function () {
      show();
      if (opts.onInput) opts.onInput(parseFloat(input.value));
    });
    show();
    var wrap = el("label", { class: "demo-slider" }, [el("span", { class: "demo-label", text: opts.label }), input, out]);
    return {
      element: wrap, input: input,
      get: function () { return parseFloat(input.value); },
      set: function (v) { input.value = String(v); show(); }
    };
  }

  var MAX_CANVAS_SCALE = 4;   // 4K at devicePixelRatio 1.5 and beyond: enough, and bounded memory

  /**
   * A canvas drawn in logical units (w x h) and shown `cssWidth` slide pixels
   * wide (default w). Its backing store follows what the projector really
   * shows: displayed CSS pixels (reveal.js's scale included, as measured on
   * screen) times devicePixelRatio, so it is sharp at 1080p and 4K instead of
   * upscaled. fit() re-measures (the runtime calls it on resize and when the
   * slide is shown) and returns true when the canvas was cleared and needs a redraw.
   */
  function setupCanvas(canvas, w, h, cssWidth) {
    canvas.style.width = (cssWidth || w) + "px";
    canvas.style.aspectRatio = w + " / " + h;
    var view = { canvas: canvas, ctx: canvas.getContext("2d"), width: w, height: h, scale: 0 };
    view.fit = function () {
      var shown = canvas.getBoundingClientRect().width;
      var stage = window.Reveal && window.Reveal.getScale ? window.Reveal.getScale() : 1;
      var css = shown > 0 ? shown : (cssWidth || w) * stage;   // hidden: what reveal.js will show
      var k = Math.min(MAX_CANVAS_SCALE, Math.max(1, css * (window.devicePixelRatio || 1) / w));
      k = Math.ceil(k * 100 - 1e-9) / 100;   // never below the displayed size
      if (k === view.scale) return false;
      view.scale = k;
      canvas.width = Math.round(w * k);
      canvas.height = Math.round(h * k);
      view.ctx.setTransform(k, 0, 0, k, 0, 0);
      return true;
    };
    view.fit();
    canvases.push(view);
    return view;
  }

  /*
   * Stage keys belong to the deck whatever has focus: a presentation clicker
   * sends PageUp/PageDown (and sometimes b, . or Esc), and the speaker needs
   * n/p, s (speaker view), f and Esc. Space and the arrows also go to the deck
   * unless the focused element is a control that uses them itself.
   */
  var STAGE_KEYS = {
    PageUp: 1, PageDown: 1, n: 1, N: 1, p: 1, P: 1, s: 1, S: 1, b: 1, B: 1,
    ".": 1, f: 1, F: 1, Escape: 1, " ": 1, ArrowLeft: 1, ArrowRight: 1,
    ArrowUp: 1, ArrowDown: 1, Home: 1, End: 1
  };

  /** Does the focused control use this key natively (so the deck must not get it)? */
  function controlUses(target, key) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName;
    var type = (target.type || "").toLowerCase();
    if (key === "PageUp" || key === "PageDown" || key === "Escape") return false;
    if (tag === "TEXTAREA" || target.isContentEditable) return true;
    if (tag === "INPUT" && /^(text|search|email|url|tel|password)$/.test(type)) return true;
    if (tag === "INPUT" && type === "number") return key === "." || key.indexOf("Arrow") === 0;
    if (tag === "INPUT" && type === "range") return key.indexOf("Arrow") === 0 || key === "Home" || key === "End";
    if (tag === "INPUT" && type === "radio") return key === " " || key.indexOf("Arrow") === 0;
    if (tag === "SELECT") return key === " " || key.indexOf("Arrow") === 0;
    if (tag === "BUTTON" || (tag === "INPUT" && /^(checkbox|button|submit|reset)$/.test(type))) return key === " ";
    return false;
  }

  /** Typing into a field: letters and digits are text, not commands. */
  function typingInto(target) {
    if (!target || !target.tagName) return false;
    var type = (target.type || "").toLowerCase();
    return target.tagName === "TEXTAREA" || target.tagName === "SELECT" || target.isContentEditable ||
      (target.tagName === "INPUT" && /^(text|number|search|email|url|tel|password)$/.test(type));
  }

  /** Give the keyboard back to the deck: nothing inside the demo keeps focus. */
  function release(root) {
    var a = document.activeElement;
    if (a && a !== document.body && root.contains(a) && a.blur) a.blur();
  }

  /**
   * Keyboard routing for one demo: stage keys go on to reveal.js (after the
   * demo lets go of focus, since reveal.js ignores keys while an input is
   * focused); keys a focused control uses stay with it; the demo's own keys
   * go to impl.key. Focus is released when the pointer leaves or after an
   * idle spell, and a hint shows while the demo holds the keyboard.
   */
  function bindKeys(root, inst) {
    var hint = el("p", { class: "demo-key-hint", "data-role": "key-hint", "aria-hidden": "true",
      text: "Demo has the keys \u00b7 PageDown, arrows, S still drive the slides" });
    root.appendChild(hint);
    var idle = 0;
    var swallowed = false;
    function holding() { return root.contains(document.activeElement); }
    function refresh() { root.classList.toggle("demo-holds-keys", holding()); }
    function poke() {
      clearTimeout(idle);
      idle = setTimeout(function () { release(root); refresh(); }, api.idleReleaseMs);
    }
    root.addEventListener("focusin", function () { refresh(); poke(); });
    root.addEventListener("focusout", function () { setTimeout(refresh, 0); });
    root.addEventListener("pointermove", poke);
    root.addEventListener("pointerleave", function (e) {
      if (e.buttons) return; // a drag still under way keeps the demo
      if (!typingInto(document.activeElement)) release(root);
      refresh();
    });
    inst.release = function () { release(root); refresh(); };

    root.addEventListener("keydown", function (e) {
      swallowed = false;
      poke();
      var t = e.target;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (STAGE_KEYS[e.key] && !controlUses(t, e.key)) {
        // The deck's key: let it bubble to reveal.js with nothing focused here.
        release(root);
        refresh();
        return;
      }
      swallowed = true;
      e.stopPropagation();
      if (controlUses(t, e.key) || typingInto(t)) return; // the control's own behaviour
      if (inst.impl.key && inst.impl.key(e)) { e.preventDefault(); return; }
      if (e.key === "r" || e.key === "R") { inst.reset(); e.preventDefault(); }
    });
    root.addEventListener("keyup", function (e) { if (swallowed) e.stopPropagation(); });
    root.addEventListener("keypress", function (e) { if (swallowed) e.stopPropagation(); });
    // Focus the demo when it is touched so its keys work at once.
    root.addEventListener("pointerdown", function (e) {
      var t = e.target;
      if (!/^(INPUT|BUTTON|SELECT|TEXTAREA)$/.test(t.tagName) && document.activeElement !== root) {
        root.focus({ preventScroll: true });
      }
    });
  }


  /*
   * One state, two windows. reveal.js's speaker view (notes plugin) shows the
   * deck twice more, in iframes loaded with "?receiver": the current-slide
   * preview (its URL asks for postMessageEvents) and the next-slide preview.
   * The audience window holds the truth. The current-slide preview is a
   * mirror: it asks for every demo's state on load, shows each state the
   * audience sends, and sends back whatever the speaker does in it (drawing,
   * sliders, R); the audience applies that and tells its other mirrors. The
   * next-slide preview shows the demos' stills. Only postMessage is used
   * (and only WindowProxy properties every origin may read), so this works
   * from file://, where each file is its own origin, as well as from a server.
   */
  var sync = (function () {
    var NS = "deck-demos";
    var query = window.location.search;
    var role = !/(^|[?&])receiver([&=]|$)/i.test(query) ? "audience"
      : (/postMessageEvents=true/i.test(query) ? "mirror" : "stills");
    var peers = [];      // audience: the mirrors that have said hello
    var byKey = {};
    var pending = [];
    var timer = 0;
    if (role === "stills") document.documentElement.classList.add("demo-stills");

    function post(target, message) {
      try { target.postMessage(message, "*"); } catch (err) { /* window gone */ }
    }
    /** The mirror's audience: the window that opened the speaker view holding this iframe. */
    function audience() {
      try { return window.parent !== window ? window.parent.opener : null; } catch (err) { return null; }
    }
    /** Is this window a preview inside a speaker view that we opened? */
    function ourMirror(source) {
      try { return !!source && source !== window && source.parent !== source && source.parent.opener === window; } catch (err) { return false; }
    }
    function stateOf(inst) {
      if (!inst.impl || !inst.impl.getState) return undefined;
      try { return inst.impl.getState(); } catch (err) { if (window.console) console.error(err); return undefined; }
    }
    function message(inst, json) { return { ns: NS, type: "state", key: inst.key, json: json }; }

    function send(inst, json, except) {
      if (role === "mirror") {
        var target = audience();
        if (target) post(target, message(inst, json));
        return;
      }
      peers = peers.filter(function (p) { return !p.closed; });
      peers.forEach(function (p) { if (p !== except) post(p, message(inst, json)); });
    }

    function flush() {
      timer = 0;
      var list = pending;
      pending = [];
      list.forEach(function (inst) {
        inst.syncQueued = false;
        var state = stateOf(inst);
        if (state === undefined) return;
        var json = JSON.stringify(state);
        if (json === inst.syncJson) return;
        inst.syncJson = json;
        send(inst, json, null);
      });
    }

    /** Something may have changed this demo: tell the other window (at most once per task). */
    function changed(inst) {
      if (role === "stills" || !inst.key || !inst.impl || !inst.impl.getState) return;
      if (role === "audience" && !peers.length) return;   // no speaker view open: nothing to do
      if (inst.syncQueued) return;
      inst.syncQueued = true;
      pending.push(inst);
      if (!timer) timer = setTimeout(flush, 0);
    }

    function apply(inst, json, from) {
      if (json === inst.syncJson || !inst.impl || !inst.impl.setState) return;
      inst.syncJson = json;
      try { inst.impl.setState(JSON.parse(json)); } catch (err) { if (window.console) console.error(err); return; }
      if (role === "audience") send(inst, json, from);
    }

    function welcome(peer) {
      if (peers.indexOf(peer) < 0) peers.push(peer);
      instances.forEach(function (inst) {
        var state = stateOf(inst);
        if (state === undefined) return;
        inst.syncJson = JSON.stringify(state);
        post(peer, message(inst, inst.syncJson));
      });
    }

    /** Ask the speaker view's previews we do not know yet to say hello (they may have loaded before us). */
    function ping(speaker) {
      try {
        for (var i = 0; i < speaker.frames.length; i++) {
          if (peers.indexOf(speaker.frames[i]) < 0) post(speaker.frames[i], { ns: NS, type: "ping" });
        }
      } catch (err) { /* not a window we can reach */ }
    }

    window.addEventListener("message", function (e) {
      var d = e.data;
      if (role === "audience" && typeof d === "string") {
        // the notes plugin's heartbeat from the speaker view
        if (d.indexOf('"reveal-notes"') >= 0 && e.source && e.source !== window) ping(e.source);
        return;
      }
      if (!d || typeof d !== "object" || d.ns !== NS) return;
      if (window.location.protocol !== "file:" && e.origin !== window.location.origin) return;
      var inst = typeof d.key !== "string" ? null
        : Object.prototype.hasOwnProperty.call(byKey, d.key) ? byKey[d.key] : d.type === "state" ? demoByKey(d.key) : null;
      if (role === "audience" && ourMirror(e.source)) {
        if (d.type === "hello") welcome(e.source);
        else if (d.type === "state" && inst && typeof d.json === "string") {
          if (peers.indexOf(e.source) < 0) peers.push(e.source);
          apply(inst, d.json, e.source);
        }
      } else if (role === "mirror" && e.source && e.source === audience()) {
        if (d.type === "ping") post(e.source, { ns: NS, type: "hello" });
        else if (d.type === "state" && inst && typeof d.json === "string") apply(inst, d.json, null);
      }
    });

    var helloTimer = 0;
    return {
      role: role,
      changed: changed,
      /** A newly mounted demo: its state follows user input, and a mirror asks for the audience's. */
      watch: function (inst) {
        byKey[inst.key] = inst;
        ["input", "change", "click", "pointerdown", "pointermove", "pointerup", "keydown"].forEach(function (type) {
          inst.root.addEventListener(type, function () { changed(inst); });
        });
        if (role === "mirror" && !helloTimer) {
          helloTimer = setTimeout(function () {
            helloTimer = 0;
            var target = audience();
            if (target) post(target, { ns: NS, type: "hello" });
          }, 0);
        }
      }
    };
  })();

  function register(name, factory) {
    factories[name] = factory;
    // Late registration (script order) still mounts waiting elements.
    if (document.readyState !== "loading" && api.started) mountAll(document);
  }

  function parseOptions(root) {
    var raw = root.getAttribute("data-options");
    if (!raw) return {};
    try {
      var parsed = JSON.parse(raw);
      return parsed && typeof parsed === "object" ? parsed : {};
    } catch (e) {
      throw new Error("data-options of demo '" + root.getAttribute("data-demo") + "' is not valid JSON: " + e.message);
    }
  }

  function showError(root, message) {
    root.classList.add("demo-error");
    root.appendChild(el("p", { class: "demo-error-text", "data-role": "error", text: message }));
  }

  function mount(root) {
    if (root.__demo) return root.__demo;
    var name = root.getAttribute("data-demo");
    var factory = factories[name];
    if (!factory) {
      showError(root, "Unknown demo '" + name + "'. Known: " + Object.keys(factories).sort().join(", "));
      root.__demo = { name: name, failed: true };
      return root.__demo;
    }
    var options = parseOptions(root);
    root.classList.add("demo-mounted");
    root.setAttribute("tabindex", "0");
    root.setAttribute("data-prevent-swipe", "");
    root.setAttribute("role", "group");
    root.setAttribute("aria-label", "Interactive demo: " + name + ". Press R to reset; slide keys keep working.");
    var body = el("div", { class: "demo-body" });
    var resetBtn = el("button", { type: "button", class: "demo-reset", "data-role": "reset", title: "Reset (R)", text: "Reset" });
    root.appendChild(body);

    var inst = {
      name: name, root: root, options: options, active: true, impl: null,
      reset: function () {
        if (inst.impl && inst.impl.reset) inst.impl.reset();
        sync.changed(inst);
      },
      gestures: [],
      views: [],
      /** Re-measure this demo's canvases; redraw (impl.redraw) if any backing store changed. */
      fit: function () {
        var cleared = false;
        inst.views.forEach(function (v) { if (v.fit()) cleared = true; });
        if (cleared && inst.impl && inst.impl.redraw) inst.impl.redraw();
      },
      pause: function () {
        if (!inst.active) return;
        inst.active = false;
        root.classList.add("demo-paused");
        inst.gestures.forEach(function (g) { g.cancel(); });
        if (inst.impl && inst.impl.pause) inst.impl.pause();
      },
      resume: function () {
        if (inst.active) return;
        inst.active = true;
        root.classList.remove("demo-paused");
        inst.fit();
        if (inst.impl && inst.impl.resume) inst.impl.resume();
        ensureLoop();
      }
    };
    var ctx = {
      root: root, body: body, options: options, name: name,
      data: window.DeckData || {},
      el: el, slider: slider, canvasPoint: canvasPoint,
      setupCanvas: function (canvas, w, h, cssWidth) {
        var view = setupCanvas(canvas, w, h, cssWidth);
        inst.views.push(view);
        return view;
      },
      pointer: function (canvas, handlers) {
        var g = pointer(canvas, handlers);
        inst.gestures.push(g);
        return g;
      },
      toolbar: function () { return resetBtn; },
      isActive: function () { return inst.active; },
      /** False in the speaker view's mirror: it shows the audience's simulation instead of running its own. */
      leads: function () { return sync.role !== "mirror"; },
      requestFrame: ensureLoop
    };
    inst.impl = factory(ctx) || {};
    if (!resetBtn.parentNode) root.appendChild(resetBtn);
    resetBtn.addEventListener("click", function () { inst.reset(); });

    bindKeys(root, inst);
    root.__demo = inst;
    inst.key = name + "#" + Array.prototype.indexOf.call(document.querySelectorAll("[data-demo]"), root);
    instances.push(inst);
    sync.watch(inst);
    return inst;
  }

  function mountAll(scope) {
    return mountNodes((scope || document).querySelectorAll("[data-demo]"));
  }

  function mountNodes(nodes) {
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      if (node.__demo) continue;
      try {
        mount(node);
      } catch (e) {
        showError(node, String(e && e.message || e));
        node.__demo = { name: node.getAttribute("data-demo"), failed: true };
        if (window.console) console.error(e);
      }
    }
    updateActive();
    refit();
    ensureLoop();
    return instances.slice();
  }

  /**
   * Mount the demos without holding up the deck: the current slide's at once, the others
   * one per task once the first frame is out (a demo decodes its data and draws when it
   * mounts, 20-60 ms each), and any of them the moment its slide is shown or the speaker
   * view sends it a state. Demos.settled turns true when every demo is mounted.
   */
  function mountSoon() {
    var current = window.Reveal.getCurrentSlide();
    if (printing() || !current) {
      mountAll(document);
      api.settled = true;
      return;
    }
    mountAll(current);
    // The list is taken now: reveal.js may move the slides about later (its print view does).
    var waiting = Array.prototype.slice.call(document.querySelectorAll("[data-demo]"));
    function mountNext() {
      while (waiting.length && waiting[0].__demo) waiting.shift();
      if (!waiting.length) { api.settled = true; return; }
      mountNodes([waiting.shift()]);
      setTimeout(mountNext, 0);
    }
    requestAnimationFrame(function () { setTimeout(mountNext, 0); });
  }

  /** The demo a sync message names ("name#index" in document order), mounted if it was not yet. */
  function demoByKey(key) {
    var hash = key.lastIndexOf("#"), node = document.querySelectorAll("[data-demo]")[+key.slice(hash + 1)];
    if (!node || hash < 0 || node.getAttribute("data-demo") !== key.slice(0, hash)) return null;
    if (!node.__demo) mountNodes([node]);
    return node.__demo && !node.__demo.failed ? node.__demo : null;
  }

  function printing() {
    return document.documentElement.classList.contains("print-pdf") ||
      document.documentElement.classList.contains("demo-stills") ||
      /print-pdf/i.test(window.location.search);   // before reveal.js's print view starts (on load)
  }

  /** Only demos on the current slide run; without reveal.js every demo runs. */
  function updateActive() {
    var current = null;
    if (window.Reveal && typeof window.Reveal.isReady === "function" && window.Reveal.isReady()) {
      current = window.Reveal.getCurrentSlide();
    }
    var still = printing();
    instances.forEach(function (inst) {
      var section = inst.root.closest && inst.root.closest("section");
      var on = !still && (!current || !section || section === current || current.contains(inst.root));
      if (on) inst.resume(); else inst.pause();
    });
    if (document.activeElement && document.activeElement.closest &&
        document.activeElement.closest("[data-demo]")) {
      var owner = document.activeElement.closest("[data-demo]").__demo;
      if (owner && !owner.active) document.activeElement.blur();
    }
  }

  /** The window or reveal.js's scale changed: sharpen the running demos' canvases (others on resume). */
  function refit() {
    instances.forEach(function (inst) { if (inst.active && inst.fit) inst.fit(); });
  }
  window.addEventListener("resize", function () { setTimeout(refit, 0); });

  function ensureLoop() {
    if (rafId) return;
    lastTime = 0;
    rafId = requestAnimationFrame(tick);
  }

  function tick(t) {
    rafId = 0;
    var dt = lastTime ? Math.min(t - lastTime, 100) : 16;
    lastTime = t;
    var any = false;
    instances.forEach(function (inst) {
      if (inst.active && inst.impl && inst.impl.frame) {
        try {
          if (inst.impl.frame(dt) !== false) any = true;
        } catch (e) {
          if (window.console) console.error(e);
        }
        if (sync.role !== "mirror") sync.changed(inst);
      }
    });
    if (any) rafId = requestAnimationFrame(tick);
  }

  function activeInstances() {
    return instances.filter(function (i) { return i.active; });
  }

  function bindReveal(R) {
    if (revealBound) return;
    revealBound = true;
    var onReady = function () {
      var cfg = R.getConfig ? R.getConfig() : {};
      if (cfg && cfg.keyboardCondition == null && R.configure) {
        // Belt and braces next to stopPropagation: a key a demo control uses
        // itself (an arrow on a slider, a digit in a field) never navigates.
        R.configure({
          keyboardCondition: function (event) {
            var t = event.target;
            if (!(t && t.closest && t.closest("[data-demo]"))) return true;
            return !!STAGE_KEYS[event.key] && !controlUses(t, event.key);
          }
        });
      }
      if (R.addKeyBinding) {
        R.addKeyBinding({ keyCode: 82, key: "R", description: "Reset the demo on this slide" }, function () {
          activeInstances().forEach(function (i) { i.reset(); });
        });
      }
      mountSoon();
    };
    R.on("slidechanged", function () { mountAll(R.getCurrentSlide() || document); });
    R.on("resize", refit);
    R.on("slidetransitionend", refit);
    R.on("overviewshown", updateActive);
    R.on("overviewhidden", updateActive);
    if (R.isReady()) onReady(); else R.on("ready", onReady);
  }

  function start() {
    api.started = true;
    var R = window.Reveal;
    if (R && typeof R.on === "function" && typeof R.isReady === "function") bindReveal(R);
    else { mountAll(document); api.settled = true; }
  }

  var api = {
    started: false,
    settled: false,   // every demo on the page mounted (see mountSoon)
    idleReleaseMs: 8000, // keys go back to the deck after this long without input
    register: register,
    mount: mount,
    mountAll: mountAll,
    updateActive: updateActive,
    instances: instances,
    factories: factories,
    get: function (name) {
      for (var i = 0; i < instances.length; i++) if (instances[i].name === name) return instances[i];
      return null;
    },
    el: el, slider: slider, pointer: pointer, canvasPoint: canvasPoint, setupCanvas: setupCanvas, penTo: penTo,
    data: function () { return window.DeckData || {}; },
    role: sync.role   // "audience", "mirror" (speaker view, current slide) or "stills" (next slide)
  };
  window.Demos = api;

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else setTimeout(start, 0);
})();
