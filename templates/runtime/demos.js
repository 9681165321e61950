/*
 * Demo runtime: mounts every [data-demo] element on the page, keeps demos
 * quiet while their slide is off screen, and shields reveal.js from the
 * keys and pointer gestures a demo needs for itself.
 *
 * A demo registers a factory: Demos.register(name, function (ctx) {...}).
 * The factory builds its UI inside ctx.body and returns an object with any
 * of: reset(), pause(), resume(), frame(dtMs), key(event) -> true if handled.
 * Classic script: everything hangs off window.Demos.
 */
(function () {
  "use strict";

  var factories = {};
  var instances = [];
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

  /** High-DPI aware canvas sizing: logical size w x h drawn at devicePixelRatio. */
  function setupCanvas(canvas, w, h) {
    var dpr = Math.min(window.devicePixelRatio || 1, 2);
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    var ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return { ctx: ctx, scale: dpr, width: w, height: h };
  }

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
    root.setAttribute("aria-label", "Interactive demo: " + name + ". Press R to reset, Escape to return to the slides.");
    var body = el("div", { class: "demo-body" });
    var resetBtn = el("button", { type: "button", class: "demo-reset", "data-role": "reset", title: "Reset (R)", text: "Reset" });
    root.appendChild(body);

    var inst = {
      name: name, root: root, options: options, active: true, impl: null,
      reset: function () { if (inst.impl && inst.impl.reset) inst.impl.reset(); },
      pause: function () {
        if (!inst.active) return;
        inst.active = false;
        root.classList.add("demo-paused");
        if (inst.impl && inst.impl.pause) inst.impl.pause();
      },
      resume: function () {
        if (inst.active) return;
        inst.active = true;
        root.classList.remove("demo-paused");
        if (inst.impl && inst.impl.resume) inst.impl.resume();
        ensureLoop();
      }
    };
    var ctx = {
      root: root, body: body, options: options, name: name,
      data: window.DeckData || {},
      el: el, slider: slider, pointer: pointer, canvasPoint: canvasPoint, setupCanvas: setupCanvas,
      toolbar: function () { return resetBtn; },
      isActive: function () { return inst.active; },
      requestFrame: ensureLoop
    };
    inst.impl = factory(ctx) || {};
    if (!resetBtn.parentNode) root.appendChild(resetBtn);
    resetBtn.addEventListener("click", function () { inst.reset(); });

    // Keys inside a demo belong to the demo, never to reveal.js.
    root.addEventListener("keydown", function (e) {
      e.stopPropagation();
      var tag = e.target && e.target.tagName;
      var typing = tag === "INPUT" && /^(text|number)$/i.test(e.target.type) || tag === "TEXTAREA" || tag === "SELECT";
      if (e.key === "Escape") {
        if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
        e.preventDefault();
        return;
      }
      if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
      if (inst.impl.key && inst.impl.key(e)) { e.preventDefault(); return; }
      if (e.key === "r" || e.key === "R") { inst.reset(); e.preventDefault(); }
    });
    root.addEventListener("keyup", function (e) { e.stopPropagation(); });
    root.addEventListener("keypress", function (e) { e.stopPropagation(); });
    // Focus the demo when it is touched so its keys work at once.
    root.addEventListener("pointerdown", function (e) {
      var t = e.target;
      if (!/^(INPUT|BUTTON|SELECT|TEXTAREA)$/.test(t.tagName) && document.activeElement !== root) {
        root.focus({ preventScroll: true });
      }
    });
    root.__demo = inst;
    instances.push(inst);
    return inst;
  }

  function mountAll(scope) {
    var nodes = (scope || document).querySelectorAll("[data-demo]");
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
    ensureLoop();
    return instances.slice();
  }

  /** Only demos on the current slide run; without reveal.js every demo runs. */
  function updateActive() {
    var current = null;
    if (window.Reveal && typeof window.Reveal.isReady === "function" && window.Reveal.isReady()) {
      current = window.Reveal.getCurrentSlide();
    }
    var printing = document.documentElement.classList.contains("print-pdf");
    instances.forEach(function (inst) {
      var section = inst.root.closest && inst.root.closest("section");
      var on = !printing && (!current || !section || section === current || current.contains(inst.root));
      if (on) inst.resume(); else inst.pause();
    });
    if (document.activeElement && document.activeElement.closest &&
        document.activeElement.closest("[data-demo]")) {
      var owner = document.activeElement.closest("[data-demo]").__demo;
      if (owner && !owner.active) document.activeElement.blur();
    }
  }

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
        // Belt and braces next to stopPropagation: never navigate from inside a demo.
        R.configure({
          keyboardCondition: function (event) {
            return !(event.target && event.target.closest && event.target.closest("[data-demo]"));
          }
        });
      }
      if (R.addKeyBinding) {
        R.addKeyBinding({ keyCode: 82, key: "R", description: "Reset the demo on this slide" }, function () {
          activeInstances().forEach(function (i) { i.reset(); });
        });
      }
      mountAll(document);
    };
    R.on("slidechanged", updateActive);
    R.on("overviewshown", updateActive);
    R.on("overviewhidden", updateActive);
    if (R.isReady()) onReady(); else R.on("ready", onReady);
  }

  function start() {
    api.started = true;
    var R = window.Reveal;
    if (R && typeof R.on === "function" && typeof R.isReady === "function") bindReveal(R);
    else mountAll(document);
  }

  var api = {
    started: false,
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
    el: el, slider: slider, pointer: pointer, canvasPoint: canvasPoint, setupCanvas: setupCanvas,
    data: function () { return window.DeckData || {}; }
  };
  window.Demos = api;

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else setTimeout(start, 0);
})();
