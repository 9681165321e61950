/*
 * Rolling downhill: gradient descent on a two-parameter cost surface.
 * The cost is an honest average of per-example costs, so the "mini-batch"
 * gradient is the gradient of a random handful of them: its noise comes
 * from sampling, exactly as in SGD, not from added jitter.
 */
(function () {
  "use strict";

  var XMIN = -3, XMAX = 3, YMIN = -2.25, YMAX = 2.25;
  var A = 0.5, B = 1.6;                  // bowl curvature along x and y
  var DIPS = [                           // two wells: a deep and a shallow minimum
    { x: 1.5, y: 0.55, depth: 1.3, s: 0.55 },
    { x: -1.6, y: -0.9, depth: 0.9, s: 0.5 }
  ];
  var N_EXAMPLES = 48, BATCH = 4;

  /** Small seeded generator (mulberry32) so every run of the demo is repeatable. */
  function rng(seed) {
    var s = seed >>> 0;
    var next = function () {
      s = (s + 0x6D2B79F5) >>> 0;
      var t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    // its position, so a speaker view's copy draws the same next mini-batch
    next.state = function (v) { if (v !== undefined) s = v >>> 0; return s; };
    return next;
  }

  function makeExamples(seed) {
    var r = rng(seed), ex = [], mu = 0, mv = 0;
    for (var i = 0; i < N_EXAMPLES; i++) {
      // Box-Muller normal offsets: each example pulls the bowl's centre its own way
      var u1 = Math.max(r(), 1e-12), u2 = r();
      var rad = Math.sqrt(-2 * Math.log(u1));
      ex.push({ u: 0.9 * rad * Math.cos(2 * Math.PI * u2), v: 0.6 * rad * Math.sin(2 * Math.PI * u2) });
    }
    ex.forEach(function (e) { mu += e.u; mv += e.v; });
    mu /= N_EXAMPLES; mv /= N_EXAMPLES;
    ex.forEach(function (e) { e.u -= mu; e.v -= mv; });   // full-batch bowl centred at 0
    return ex;
  }

  function Surface(seed) {
    this.examples = makeExamples(seed);
    var su = 0, sv = 0;
    this.examples.forEach(function (e) { su += e.u * e.u; sv += e.v * e.v; });
    this.varU = su / N_EXAMPLES; this.varV = sv / N_EXAMPLES;
  }
  Surface.prototype.dips = function (x, y, grad) {
    var c = 0;
    for (var i = 0; i < DIPS.length; i++) {
      var d = DIPS[i], dx = x - d.x, dy = y - d.y, s2 = d.s * d.s;
      var e = d.depth * Math.exp(-(dx * dx + dy * dy) / (2 * s2));
      c -= e;
      if (grad) { grad[0] += e * dx / s2; grad[1] += e * dy / s2; }
    }
    return c;
  };
  /** Full cost: the mean of all per-example costs (closed form of that mean). */
  Surface.prototype.cost = function (x, y) {
    return 0.5 * (A * (x * x + this.varU) + B * (y * y + this.varV)) + this.dips(x, y, null);
  };
  /** Gradient of the mean cost over the given examples (all of them when idx is null). */
  Surface.prototype.gradient = function (x, y, idx, out) {
    var ex = this.examples, n = idx ? idx.length : ex.length, mu = 0, mv = 0;
    for (var i = 0; i < n; i++) { var e = ex[idx ? idx[i] : i]; mu += e.u; mv += e.v; }
    mu /= n; mv /= n;
    out[0] = A * (x - mu); out[1] = B * (y - mv);
    this.dips(x, y, out);
    return out;
  };

  var STOPS = [[13, 8, 135], [84, 2, 163], [139, 10, 165], [185, 50, 137], [219, 92, 104], [244, 136, 73], [254, 188, 43], [240, 249, 33]];
  function colour(t, out) {
    t = Math.max(0, Math.min(1, t)) * (STOPS.length - 1);
    var i = Math.min(STOPS.length - 2, Math.floor(t)), f = t - i;
    for (var k = 0; k < 3; k++) out[k] = STOPS[i][k] + f * (STOPS[i + 1][k] - STOPS[i][k]);
    return out;
  }

  function factory(ctx) {
    var el = ctx.el, opts = ctx.options;
    var W = 600, H = 450;
    var surf = new Surface(opts.seed || 7);
    var map = el("canvas", { class: "gd-map", "data-role": "map", "aria-label": "Cost surface; click to place the ball" });
    var view = ctx.setupCanvas(map, W, H, 756);
    var bg = document.createElement("canvas");   // the contour map, painted at the backing store's resolution

    var sx = function (x) { return (x - XMIN) / (XMAX - XMIN) * W; };
    var sy = function (y) { return (YMAX - y) / (YMAX - YMIN) * H; };
    var ux = function (px) { return XMIN + px / W * (XMAX - XMIN); };
    var uy = function (py) { return YMAX - py / H * (YMAX - YMIN); };

    function paintSurface() {
      var PW = view.canvas.width, PH = view.canvas.height;   // device pixels
      if (bg.width === PW && bg.height === PH) return;
      bg.width = PW; bg.height = PH;
      var W = PW, H = PH, f = view.width / PW;
      var g = bg.getContext("2d"), img = g.createImageData(W, H), d = img.data;
      var vals = new Float64Array(W * H), lo = Infinity, hi = -Infinity, i, j;
      for (j = 0; j < H; j++) for (i = 0; i < W; i++) {
        var c = surf.cost(ux((i + 0.5) * f), uy((j + 0.5) * f));
        vals[j * W + i] = c;
        if (c < lo) lo = c;
        if (c > hi) hi = c;
      }
      var levels = 14, rgb = [0, 0, 0], lev = new Float64Array(W * H);
      for (i = 0; i < W * H; i++) lev[i] = Math.sqrt((vals[i] - lo) / (hi - lo));
      for (j = 0; j < H; j++) for (i = 0; i < W; i++) {
        var k = j * W + i, t = lev[k];
        colour(0.08 + 0.9 * t, rgb);
        var band = Math.floor(t * levels);
        var edge = (i + 1 < W && Math.floor(lev[k + 1] * levels) !== band) ||
                   (j + 1 < H && Math.floor(lev[k + W] * levels) !== band);
        var m = edge ? 0.45 : 1;
        d[4 * k] = rgb[0] * m; d[4 * k + 1] = rgb[1] * m; d[4 * k + 2] = rgb[2] * m; d[4 * k + 3] = 255;
      }
      g.putImageData(img, 0, 0);
    }

    var lrS = ctx.slider({
      label: "η", role: "lr", min: 0.01, max: 1.6, step: 0.01, value: opts.lr || 0.1
    });
    var playBtn = el("button", { type: "button", "data-role": "play", text: "▶ Play" });
    var stepBtn = el("button", { type: "button", "data-role": "step", text: "Step" });
    var fullBtn = el("button", { type: "button", "data-role": "full-batch", text: "Full batch" });
    var miniBtn = el("button", { type: "button", "data-role": "mini-batch", text: "Mini-batch" });
    var costEl = el("span", { class: "demo-readout", "data-role": "cost" });
    var stepsEl = el("span", { class: "demo-readout", "data-role": "steps" });
    var posEl = el("span", { class: "demo-readout", "data-role": "position" });
    var statusEl = el("div", { class: "gd-status", "data-role": "status" });
    var costPlot = el("canvas", { class: "gd-costs", "data-role": "cost-plot", "aria-label": "Cost against step, this run and the last" });
    var plotView = ctx.setupCanvas(costPlot, 430, 150);
    ctx.body.appendChild(map);
    ctx.body.appendChild(el("div", { class: "gd-side" }, [
      el("div", { class: "gd-readout" }, ["cost C = ", costEl]),
      el("div", { class: "gd-readout" }, ["steps: ", stepsEl]),
      el("div", { class: "gd-readout demo-muted" }, ["(w₁, w₂) = ", posEl]),
      lrS.element,
      el("div", { class: "demo-buttons" }, [playBtn, stepBtn, ctx.toolbar()]),
      el("div", { class: "demo-buttons" }, [fullBtn, miniBtn]),
      statusEl,
      costPlot,
      el("p", { class: "demo-muted gd-help", text: "Click the map: place the ball. G play, ] step, M batch." })
    ]));

    var start = opts.start || [-2.5, 1.8];
    var pos, path, steps, playing, mini, acc, random, grad = [0, 0], diverged, converged;
    var runLr = null;       // the rate this run stepped with
    var previous = null;    // the last run, kept faded for comparison: {path, lr, mini}

    function status() {
      var c = surf.cost(pos[0], pos[1]);
      costEl.textContent = isFinite(c) ? (Math.abs(c) < 1e4 ? c.toFixed(4) : c.toExponential(3)) : "∞";
      costEl.setAttribute("data-value", String(c));
      stepsEl.textContent = String(steps);
      stepsEl.setAttribute("data-value", String(steps));
      posEl.textContent = "(" + fmt(pos[0]) + ", " + fmt(pos[1]) + ")";
      statusEl.textContent = diverged ? "Diverged: the step left the map" : (converged ? "Converged" : "");
      statusEl.setAttribute("data-state", diverged ? "diverged" : (converged ? "converged" : ""));
      ctx.root.setAttribute("data-playing", playing ? "true" : "false");
      playBtn.textContent = playing ? "❚❚ Pause" : "▶ Play";
      fullBtn.classList.toggle("demo-on", !mini);
      miniBtn.classList.toggle("demo-on", mini);
      ctx.root.setAttribute("data-batch", mini ? "mini" : "full");
    }
    function fmt(v) { return Math.abs(v) < 1e4 ? v.toFixed(2) : v.toExponential(1); }

    /** Cost against step for this run (accent) and the last one (faded): two rates side by side. */
    function drawCosts() {
      var g = plotView.ctx, PW = plotView.width, PH = plotView.height, padL = 8, padT = 30, padB = 8;
      g.clearRect(0, 0, PW, PH);
      var runs = [[previous && previous.path, "rgba(232,244,255,0.45)"], [path, "#ffd23f"]];
      var n = 10, top = 0;
      runs.forEach(function (r) {
        if (!r[0]) return;
        n = Math.max(n, r[0].length - 1);
        top = Math.max(top, surf.cost(r[0][0][0], r[0][0][1]));
      });
      var bottom = Infinity;
      runs.forEach(function (r) { if (r[0]) r[0].forEach(function (p) { bottom = Math.min(bottom, surf.cost(p[0], p[1])); }); });
      if (!(top > bottom)) top = bottom + 1;
      var X = function (i) { return padL + i / n * (PW - 2 * padL); };
      var Y = function (c) { return padT + (1 - Math.max(0, Math.min(1.05, (c - bottom) / (top - bottom))) / 1.05) * (PH - padT - padB); };
      g.strokeStyle = "#444a57"; g.lineWidth = 1;
      g.strokeRect(padL, padT, PW - 2 * padL, PH - padT - padB);
      runs.forEach(function (r) {
        if (!r[0]) return;
        g.strokeStyle = r[1]; g.lineWidth = 3; g.beginPath();
        r[0].forEach(function (p, i) { var y = Y(surf.cost(p[0], p[1])); if (i === 0) g.moveTo(X(i), y); else g.lineTo(X(i), y); });
        g.stroke();
      });
      g.font = "24px sans-serif"; g.textBaseline = "top"; g.textAlign = "left";
      g.fillStyle = "#ffd23f";
      g.fillText("cost by step" + (runLr !== null ? ", η " + runLr.toFixed(2) : ""), padL, 0);
      if (previous && previous.lr !== null) {
        g.textAlign = "right"; g.fillStyle = "#b8bcc6";
        g.fillText("last: η " + previous.lr.toFixed(2), PW - padL, 0);
      }
      costPlot.setAttribute("data-runs", previous ? "2" : "1");
    }

    function draw() {
      var g = view.ctx;
      paintSurface();
      g.drawImage(bg, 0, 0, W, H);
      var cl = function (v, lo, hi) { return Math.max(lo, Math.min(hi, v)); };
      if (previous) {   // the last run, faded and dashed, to compare with this one
        g.save();
        g.lineWidth = 2.5; g.strokeStyle = "rgba(232,244,255,0.45)"; g.setLineDash([7, 6]);
        g.beginPath();
        previous.path.forEach(function (p, i) {
          var qx = cl(sx(p[0]), -20, W + 20), qy = cl(sy(p[1]), -20, H + 20);
          if (i === 0) g.moveTo(qx, qy); else g.lineTo(qx, qy);
        });
        g.stroke();
        g.restore();
      }
      g.lineWidth = 2.5; g.strokeStyle = "#e8f4ff"; g.lineJoin = "round";
      g.beginPath();
      for (var i = 0; i < path.length; i++) {
        var px = cl(sx(path[i][0]), -20, W + 20), py = cl(sy(path[i][1]), -20, H + 20);
        if (i === 0) g.moveTo(px, py); else g.lineTo(px, py);
      }
      g.stroke();
      g.fillStyle = "rgba(255,255,255,0.9)";
      for (i = 0; i < path.length - 1; i++) {
        g.beginPath(); g.arc(cl(sx(path[i][0]), 0, W), cl(sy(path[i][1]), 0, H), 2.5, 0, 2 * Math.PI); g.fill();
      }
      var bx = cl(sx(pos[0]), 9, W - 9), by = cl(sy(pos[1]), 9, H - 9);
      g.beginPath(); g.arc(bx, by, 9, 0, 2 * Math.PI);
      g.fillStyle = diverged ? "#ff5050" : "#ffffff"; g.fill();
      g.lineWidth = 3; g.strokeStyle = "#000"; g.stroke();
      drawCosts();
    }

    function batch() {
      var idx = [];
      while (idx.length < BATCH) {
        var k = Math.floor(random() * N_EXAMPLES);
        if (idx.indexOf(k) < 0) idx.push(k);
      }
      return idx;
    }

    function stepOnce() {
      if (diverged) return;
      surf.gradient(pos[0], pos[1], mini ? batch() : null, grad);
      var lr = lrS.get();
      runLr = lr;
      pos = [pos[0] - lr * grad[0], pos[1] - lr * grad[1]];
      steps++;
      path.push(pos);
      if (path.length > 2000) path.shift();
      // Off the map is divergence: the ball would otherwise sit pinned at the edge for
      // seconds while the numbers run away out of sight.
      if (!isFinite(pos[0]) || !isFinite(pos[1]) || pos[0] < XMIN || pos[0] > XMAX || pos[1] < YMIN || pos[1] > YMAX) {
        diverged = true; playing = false;
      }
      converged = !mini && Math.hypot(grad[0], grad[1]) < 1e-4;
      if (converged) playing = false;
      status(); draw();
    }

    function place(x, y) {
      if (path && path.length > 1) previous = { path: path, lr: runLr, mini: mini };
      runLr = null;
      pos = [x, y]; path = [pos]; steps = 0; diverged = false; converged = false;
      status(); draw();
    }

    ctx.pointer(map, {
      down: function (p) {
        // canvas pixels -> logical pixels -> parameters
        place(ux(p.x / view.scale), uy(p.y / view.scale));
      }
    });
    playBtn.addEventListener("click", function () { togglePlay(); });
    stepBtn.addEventListener("click", function () { playing = false; stepOnce(); });
    fullBtn.addEventListener("click", function () { mini = false; status(); });
    miniBtn.addEventListener("click", function () { mini = true; status(); });

    function togglePlay() {
      if (diverged || converged) { place(path[0][0], path[0][1]); }
      playing = !playing; acc = 0; status();
      if (playing) ctx.requestFrame();
    }

    function reset() {
      playing = false; acc = 0; mini = opts.batch === "mini";
      random = rng((opts.seed || 7) * 7919 + 1);
      lrS.set(opts.lr || 0.1);
      path = null; previous = null;   // a reset forgets the last run too
      place(start[0], start[1]);
    }
    reset();

    return {
      reset: reset,
      redraw: draw,
      getState: function () {
        return { pos: pos, path: path, steps: steps, playing: playing, mini: mini, lr: lrS.get(),
                 diverged: diverged, converged: converged, random: random.state(), runLr: runLr, previous: previous };
      },
      setState: function (st) {
        pos = st.pos; path = st.path; steps = st.steps; mini = !!st.mini;
        diverged = !!st.diverged; converged = !!st.converged;
        random.state(st.random);
        runLr = st.runLr === undefined ? null : st.runLr;
        previous = st.previous || null;
        if (lrS.get() !== st.lr) lrS.set(st.lr);
        if (st.playing && !playing) acc = 0;
        playing = !!st.playing;
        status(); draw();
        if (playing) ctx.requestFrame();
      },
      pause: function () { playing = false; status(); },
      frame: function (dt) {
        if (!playing || !ctx.leads()) return false;
        acc += dt;
        var every = opts.interval || 110;
        while (acc >= every && playing) { acc -= every; stepOnce(); }
        return playing;
      },
      key: function (e) {
        // Space, S and the arrows are the deck's; the demo uses G (go) and ] (one step).
        if (e.key === "g" || e.key === "G") { togglePlay(); return true; }
        if (e.key === "]") { playing = false; stepOnce(); return true; }
        if (e.key === "m" || e.key === "M") { mini = !mini; status(); return true; }
        return false;
      },
      surface: surf
    };
  }

  window.Demos.register("descent", factory);
})();
