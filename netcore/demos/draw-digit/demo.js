/*
 * Draw a digit: the speaker draws on a pad, the drawing is normalised the way
 * MNIST digits were (bounding box into 20x20, centre of mass to the centre of
 * 28x28) and the real trained network classifies it, every layer visible.
 * Second mode: step through real test digits, including the network's mistakes.
 */
(function () {
  "use strict";

  var PAD = 280;          // drawing surface in ink pixels (shown PAD_CSS slide pixels wide, backing store sharper)
  var PAD_CSS = 400;
  var FIELD = 28;         // MNIST field
  var BOX = 20;           // MNIST size-normalised box
  var INK_THRESHOLD = 0.04;

  /**
   * MNIST-style preprocessing. src: Float32/64Array of w*h ink values in [0,1].
   * Returns {image: Float64Array(784), empty: bool}. Uses an exact area
   * integral (summed-area table, bilinear in its corners) so the scaled digit
   * keeps its ink mass and the centre of mass lands at (14.5, 14.5) in pixel-edge
   * coordinates: pixel (14, 14)'s centre, where MNIST put it (its test digits
   * average 14.5 measured this way; 14.0 costs the demo 1.4 points of accuracy).
   */
  function Preprocessor(w, h) {
    this.w = w; this.h = h;
    this.sat = new Float64Array((w + 1) * (h + 1));
    this.image = new Float64Array(FIELD * FIELD);
  }

  Preprocessor.prototype.integral = function (x, y) {
    // Exact integral of the pixel function over [0,x) x [0,y), any real x, y.
    var w = this.w, h = this.h, W1 = w + 1, sat = this.sat;
    if (x <= 0 || y <= 0) return 0;
    if (x > w) x = w;
    if (y > h) y = h;
    var xi = Math.floor(x), yi = Math.floor(y);
    if (xi >= w) xi = w - 1;
    if (yi >= h) yi = h - 1;
    var fx = x - xi, fy = y - yi;
    var a = sat[yi * W1 + xi], b = sat[yi * W1 + xi + 1];
    var c = sat[(yi + 1) * W1 + xi], d = sat[(yi + 1) * W1 + xi + 1];
    return a + fx * (b - a) + fy * (c - a) + fx * fy * (d - b - c + a);
  };

  Preprocessor.prototype.run = function (src) {
    var w = this.w, h = this.h, W1 = w + 1, sat = this.sat, img = this.image;
    var x0 = w, y0 = h, x1 = -1, y1 = -1, mass = 0, mx = 0, my = 0;
    for (var y = 0; y < h; y++) {
      var rowSum = 0, off = y * w;
      for (var x = 0; x < w; x++) {
        var v = src[off + x];
        rowSum += v;
        sat[(y + 1) * W1 + x + 1] = sat[y * W1 + x + 1] + rowSum;
        if (v > INK_THRESHOLD) {
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
        if (v > 0) { mass += v; mx += v * (x + 0.5); my += v * (y + 0.5); }
      }
    }
    img.fill(0);
    if (x1 < 0 || mass <= 0) return { image: img, empty: true };
    var bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    var s = BOX / Math.max(bw, bh);       // source px -> field px
    var cx = mx / mass, cy = my / mass;   // centre of mass, source coordinates
    var inv = 1 / s, norm = s * s, c = FIELD / 2 + 0.5;
    for (var i = 0; i < FIELD; i++) {
      var sy0 = (i - c) * inv + cy, sy1 = sy0 + inv;
      for (var j = 0; j < FIELD; j++) {
        var sx0 = (j - c) * inv + cx, sx1 = sx0 + inv;
        var area = this.integral(sx1, sy1) - this.integral(sx0, sy1) - this.integral(sx1, sy0) + this.integral(sx0, sy0);
        var val = area * norm;
        img[i * FIELD + j] = val < 0 ? 0 : (val > 1 ? 1 : val);
      }
    }
    return { image: img, empty: false };
  };

  var POS = "#ff9f1c", NEG = "#4ea8ff", ACCENT = "#ffd23f";

  function factory(ctx) {
    var el = ctx.el, opts = ctx.options;
    var net = window.Demos.trainedNetwork();
    var L = net.layers.length;
    var samples = window.Demos.loadSamples(ctx.data.net);
    var sampleInfo = samples.images.map(function (im, i) {
      var p = net.predict(im);
      return { predicted: p, wrong: p !== samples.labels[i] };
    });
    var mistakes = [];
    sampleInfo.forEach(function (s, i) { if (s.wrong) mistakes.push(i); });

    // ---- DOM ---------------------------------------------------------------
    var pad = el("canvas", { class: "dd-pad", "data-role": "pad", "aria-label": "Drawing pad" });
    var padView = ctx.setupCanvas(pad, PAD, PAD, PAD_CSS);
    var padCtx = padView.ctx;
    var netCanvas = el("canvas", { class: "dd-net", "data-role": "network" });
    var netView = ctx.setupCanvas(netCanvas, 500, 440);
    var inputCanvas = document.createElement("canvas");
    inputCanvas.width = FIELD; inputCanvas.height = FIELD;
    var inputCtx = inputCanvas.getContext("2d");
    var inputPixels = inputCtx.createImageData(FIELD, FIELD);

    var predEl = el("div", { class: "dd-prediction", "data-role": "prediction", text: "–" });
    var captionEl = el("div", { class: "dd-caption", "data-role": "caption", text: "Draw a digit" });
    var bars = [], barFill = [], barVal = [];
    var barsBox = el("div", { class: "dd-bars" });
    for (var d = 0; d < net.layers[L - 1]; d++) {
      barFill.push(el("div", { class: "dd-bar-fill" }));
      barVal.push(el("span", { class: "dd-bar-value", text: "0.00" }));
      var row = el("div", { class: "dd-bar", "data-role": "output", "data-digit": d, "data-value": "0" }, [
        el("span", { class: "dd-bar-label", text: String(d) }),
        el("div", { class: "dd-bar-track" }, [barFill[d]]),
        barVal[d]
      ]);
      bars.push(row);
      barsBox.appendChild(row);
    }
    var clearBtn = el("button", { type: "button", "data-role": "clear", text: "Clear (C)" });
    var drawBtn = el("button", { type: "button", "data-role": "mode-draw", text: "Draw" });
    var testBtn = el("button", { type: "button", "data-role": "mode-samples", text: "Test digits" });
    var prevBtn = el("button", { type: "button", "data-role": "prev", text: "◀" });
    var nextBtn = el("button", { type: "button", "data-role": "next", text: "▶" });
    var wrongBox = el("input", { type: "checkbox", "data-role": "mistakes-only" });
    var wrongLabel = el("label", { class: "dd-mistakes" }, [wrongBox, " only mistakes (" + mistakes.length + ")"]);
    var sampleBar = el("div", { class: "dd-sample-controls" }, [prevBtn, nextBtn, wrongLabel]);
    var modeBar = el("div", { class: "demo-buttons" }, [drawBtn, testBtn, clearBtn, ctx.toolbar()]);

    ctx.body.classList.add("dd");
    ctx.body.appendChild(el("div", { class: "dd-left" }, [pad, modeBar, sampleBar]));
    ctx.body.appendChild(el("div", { class: "dd-mid" }, [netCanvas]));
    ctx.body.appendChild(el("div", { class: "dd-right" }, [predEl, captionEl, barsBox]));

    // ---- state ---------------------------------------------------------------
    var pre = new Preprocessor(PAD, PAD);
    var ink = new Float32Array(PAD * PAD);
    var mode = opts.mode === "samples" || opts.mode === "test" ? "samples" : "draw";
    var sampleIdx = 0;
    var onlyMistakes = !!opts.mistakes;
    var last = null, dirty = false, empty = true;
    var strokes = [];   // the drawing as pen paths [x0, y0, x1, y1, ...] in pad pixels: the state a speaker view shares
    var inspect = -1;   // first-layer neuron whose incoming weights replace the input image (hover, or tap to pin)
    var pinned = false;
    var lineWidth = opts.line_width || 22;

    function clearPad() {
      padCtx.fillStyle = "#000";
      padCtx.fillRect(0, 0, PAD, PAD);
      ink.fill(0);
      strokes = [];
      empty = true;
    }

    /**
     * Add a round-capped segment to the ink buffer directly (anti-aliased by
     * distance to the segment), so a redraw never reads pixels back from the
     * canvas: no 300 kB getImageData per pointer move.
     */
    function inkSegment(a, b, r) {
      var x0 = Math.max(0, Math.floor(Math.min(a.x, b.x) - r - 1)), x1 = Math.min(PAD - 1, Math.ceil(Math.max(a.x, b.x) + r + 1));
      var y0 = Math.max(0, Math.floor(Math.min(a.y, b.y) - r - 1)), y1 = Math.min(PAD - 1, Math.ceil(Math.max(a.y, b.y) + r + 1));
      var dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
      for (var y = y0; y <= y1; y++) {
        for (var x = x0; x <= x1; x++) {
          var px = x + 0.5 - a.x, py = y + 0.5 - a.y;
          var t = len2 > 0 ? (px * dx + py * dy) / len2 : 0;
          t = t < 0 ? 0 : (t > 1 ? 1 : t);
          var ex = px - t * dx, ey = py - t * dy;
          var cover = r + 0.5 - Math.sqrt(ex * ex + ey * ey);
          if (cover <= 0) continue;
          if (cover > 1) cover = 1;
          var k = y * PAD + x;
          if (cover > ink[k]) ink[k] = cover;
        }
      }
    }

    function round1(v) { return Math.round(v * 10) / 10; }

    function strokeTo(p) {
      p = { x: round1(p.x), y: round1(p.y) };
      if (!last) strokes.push([]);
      strokes[strokes.length - 1].push(p.x, p.y);
      inkSegment(last || p, p, lineWidth / 2);
      window.Demos.penTo(padCtx, last, p, lineWidth);
      last = p;
      empty = false;
      schedule();
    }

    /** The first-layer neuron under a point of the network view (logical units), or -1. */
    function neuronAt(p) {
      var P = positions[1], x = p.x / netView.scale, y = p.y / netView.scale, hit = -1;
      for (var k = 0; k < P.ys.length; k++) {
        if (Math.hypot(x - P.x, y - P.ys[k]) <= Math.max(P.r + 6, 10)) hit = k;
      }
      return hit;
    }
    ctx.pointer(netCanvas, {
      hover: function (p) { var k = neuronAt(p); if (!pinned && k !== inspect) { inspect = k; schedule(); } },
      down: function (p) {   // a tap pins a neuron (touch has no hover); a tap elsewhere lets go
        var k = neuronAt(p);
        pinned = k >= 0 && !(pinned && k === inspect);
        inspect = pinned ? k : -1;
        schedule();
      }
    });
    netCanvas.addEventListener("pointerleave", function () { if (inspect >= 0 && !pinned) { inspect = -1; schedule(); } });

    function inkPoint(p) { return { x: p.x / padView.scale, y: p.y / padView.scale }; }   // backing store -> ink pixels
    ctx.pointer(pad, {
      down: function (p) {
        if (mode !== "draw") setMode("draw");   // a fresh pad: the test digit was never ink
        last = null; strokeTo(inkPoint(p));
      },
      move: function (p) { strokeTo(inkPoint(p)); },
      up: function () { last = null; }
    });

    function currentInput() {
      if (mode === "samples") {
        return { image: samples.images[sampleIdx], empty: !samples.images.length };
      }
      return pre.run(ink);
    }

    function showSampleOnPad(image) {
      // 28x28 test digit drawn as big blocks: what the network actually sees.
      var cell = PAD / FIELD;
      padCtx.fillStyle = "#000";
      padCtx.fillRect(0, 0, PAD, PAD);
      for (var i = 0; i < FIELD; i++) for (var j = 0; j < FIELD; j++) {
        var v = image[i * FIELD + j];
        if (v <= 0) continue;
        var g = Math.round(v * 255);
        padCtx.fillStyle = "rgb(" + g + "," + g + "," + g + ")";
        padCtx.fillRect(j * cell, i * cell, cell + 0.5, cell + 0.5);
      }
    }

    // ---- network rendering -----------------------------------------------------
    var positions = [];   // per layer (except input): {x, ys[], r}
    (function layout() {
      var W = netView.width, H = netView.height;
      var imgSize = 150, left = 6;
      var xs = [];
      var firstX = left + imgSize + 44, lastX = W - 40;
      for (var l = 1; l < L; l++) xs.push(firstX + (lastX - firstX) * (l - 1) / Math.max(1, L - 2));
      positions.push({ image: { x: left, y: (H - imgSize) / 2, size: imgSize } });
      for (l = 1; l < L; l++) {
        var n = net.layers[l];
        var gap = (H - 16) / n;
        var r = Math.max(1.5, Math.min(12, gap * 0.42));
        var ys = [];
        for (var k = 0; k < n; k++) ys.push(8 + gap * (k + 0.5));
        positions.push({ x: xs[l - 1], ys: ys, r: r });
      }
    })();

    function topContributions(l, j, count) {
      // Indices k of layer l with the largest |w_jk * a_k| into neuron j of layer l+1.
      var n = net.layers[l], a = net.a[l], res = [];
      for (var k = 0; k < n; k++) {
        var c = net.weight(l, j, k) * a[k];
        res.push({ k: k, c: c, m: Math.abs(c) });
      }
      res.sort(function (p, q) { return q.m - p.m; });
      return res.slice(0, count);
    }

    function gray(v) {
      var g = Math.round(Math.max(0, Math.min(1, v)) * 255);
      return "rgb(" + g + "," + g + "," + g + ")";
    }

    function renderNetwork(outIdx, hasInput) {
      var g = netView.ctx, W = netView.width, H = netView.height;
      g.clearRect(0, 0, W, H);
      // input layer: 784 neurons shown as the 28x28 field they are
      // or, while a first-layer neuron is inspected, that neuron's 784 incoming weights
      var px = inputPixels.data, a0 = net.a[0];
      if (inspect >= 0) {
        var wmax = 1e-9;
        for (var i = 0; i < FIELD * FIELD; i++) wmax = Math.max(wmax, Math.abs(net.weight(0, inspect, i)));
        for (i = 0; i < FIELD * FIELD; i++) {
          var t = net.weight(0, inspect, i) / wmax;   // negative blue, positive orange, as the replay
          t = t < 0 ? -Math.sqrt(-t) : Math.sqrt(t);  // lift small weights out of the black
          px[4 * i] = t > 0 ? 255 * t : 78 * -t; px[4 * i + 1] = t > 0 ? 159 * t : 168 * -t;
          px[4 * i + 2] = t > 0 ? 28 * t : 255 * -t; px[4 * i + 3] = 255;
        }
      } else {
        for (i = 0; i < FIELD * FIELD; i++) {
          var v = Math.round(a0[i] * 255);
          px[4 * i] = px[4 * i + 1] = px[4 * i + 2] = v; px[4 * i + 3] = 255;
        }
      }
      inputCtx.putImageData(inputPixels, 0, 0);
      var im = positions[0].image;
      g.imageSmoothingEnabled = false;
      g.drawImage(inputCanvas, im.x, im.y, im.size, im.size);
      g.strokeStyle = inspect >= 0 ? ACCENT : "#666"; g.lineWidth = inspect >= 0 ? 2 : 1;
      g.strokeRect(im.x - 0.5, im.y - 0.5, im.size + 1, im.size + 1);
      g.font = "24px sans-serif"; g.fillStyle = "#b8bcc6"; g.textAlign = "left"; g.textBaseline = "bottom";
      g.fillText(inspect >= 0 ? "weights into " + (inspect + 1) : "what it sees", im.x, im.y - 6);
      g.textAlign = "left"; g.textBaseline = "alphabetic";

      // faint web of all connections between the small layers
      g.strokeStyle = "rgba(160,160,160,0.07)";
      g.beginPath();
      for (var l = 1; l < L - 1; l++) {
        var A = positions[l], B = positions[l + 1];
        if (A.ys.length * B.ys.length > 4000) continue;
        for (var p = 0; p < A.ys.length; p++) for (var q = 0; q < B.ys.length; q++) {
          g.moveTo(A.x, A.ys[p]); g.lineTo(B.x, B.ys[q]);
        }
      }
      g.stroke();
      // first hidden layer fans out from the input image
      var H1 = positions[1];
      g.beginPath();
      for (p = 0; p < H1.ys.length; p++) { g.moveTo(im.x + im.size, im.y + im.size / 2); g.lineTo(H1.x, H1.ys[p]); }
      g.stroke();

      // strongest connections feeding the winner, then what feeds those
      if (hasInput) {
        var targets = [{ l: L - 1, j: outIdx, w: 1 }];
        for (l = L - 2; l >= 1 && targets.length; l--) {
          var next = [], per = l === L - 2 ? 6 : 3;
          var contribs = [];
          targets.forEach(function (t) {
            topContributions(l, t.j, per).forEach(function (c) { contribs.push({ from: c.k, to: t.j, c: c.c, m: c.m * t.w }); });
          });
          var maxm = 1e-12;
          contribs.forEach(function (c) { if (c.m > maxm) maxm = c.m; });
          contribs.forEach(function (c) {
            var A2 = positions[l], B2 = positions[l + 1];
            g.strokeStyle = c.c >= 0 ? POS : NEG;
            g.globalAlpha = 0.35 + 0.65 * c.m / maxm;
            g.lineWidth = 1 + 4 * c.m / maxm;
            g.beginPath(); g.moveTo(A2.x, A2.ys[c.from]); g.lineTo(B2.x, B2.ys[c.to]); g.stroke();
            if (l === L - 2) next.push({ l: l, j: c.from, w: c.m / maxm });
          });
          g.globalAlpha = 1;
          targets = next;
        }
      }

      // neurons: brightness is activation, relative to the layer's largest when it exceeds 1
      // (ReLU is unbounded: clipping at 1 drew most of a hidden layer pure white)
      for (l = 1; l < L; l++) {
        var P = positions[l], act = net.a[l], top = 1;
        for (var k = 0; k < act.length; k++) if (act[k] > top) top = act[k];
        for (k = 0; k < P.ys.length; k++) {
          g.beginPath();
          g.arc(P.x, P.ys[k], P.r, 0, 2 * Math.PI);
          g.fillStyle = gray(hasInput ? act[k] / top : 0);
          g.fill();
          if (P.r > 3) { g.lineWidth = 1; g.strokeStyle = "#888"; g.stroke(); }
        }
      }
      if (inspect >= 0) {
        var Q = positions[1];
        g.beginPath(); g.arc(Q.x, Q.ys[inspect], Q.r + 3, 0, 2 * Math.PI);
        g.lineWidth = 3; g.strokeStyle = ACCENT; g.stroke();
      }
      var O = positions[L - 1];
      g.font = "bold 24px sans-serif";
      g.textBaseline = "middle";
      g.fillStyle = "#ddd";
      for (k = 0; k < O.ys.length; k++) g.fillText(String(k), O.x + O.r + 6, O.ys[k]);
      if (hasInput) {
        g.beginPath();
        g.arc(O.x, O.ys[outIdx], O.r + 3, 0, 2 * Math.PI);
        g.lineWidth = 3; g.strokeStyle = ACCENT; g.stroke();
      }
    }

    function renderOutputs(out, best, hasInput) {
      for (var d = 0; d < bars.length; d++) {
        var v = hasInput ? out[d] : 0;
        barFill[d].style.width = (v * 100).toFixed(1) + "%";
        barVal[d].textContent = v.toFixed(2);
        bars[d].setAttribute("data-value", v.toFixed(6));
        bars[d].classList.toggle("dd-best", hasInput && d === best);
      }
      predEl.textContent = hasInput ? String(best) : "–";
      predEl.setAttribute("data-value", hasInput ? String(best) : "");
      predEl.setAttribute("data-confidence", hasInput ? out[best].toFixed(4) : "");
    }

    function updateCaption(best) {
      if (mode === "draw") {
        captionEl.textContent = empty ? "Draw a digit" : "network says " + best;
        captionEl.removeAttribute("data-label");
        captionEl.classList.remove("dd-wrong");
        return;
      }
      if (!samples.images.length) { captionEl.textContent = "no test digits exported"; return; }
      var label = samples.labels[sampleIdx], ok = label === best;
      captionEl.textContent = "test digit #" + samples.indices[sampleIdx] + ": label " + label + (ok ? " ✓" : " ✗ network says " + best);
      captionEl.setAttribute("data-label", String(label));
      captionEl.setAttribute("data-index", String(samples.indices[sampleIdx]));
      captionEl.classList.toggle("dd-wrong", !ok);
    }

    /** Full redraw: preprocess, forward pass, render every layer. */
    function redraw() {
      dirty = false;
      var input = currentInput();
      var hasInput = !input.empty;
      if (mode === "draw") empty = input.empty;
      var acts = net.forward(input.image);
      var out = acts[L - 1];
      var best = window.Demos.argmax(out);
      renderNetwork(best, hasInput);
      renderOutputs(out, best, hasInput);
      updateCaption(best);
      ctx.root.setAttribute("data-state", mode);
      return best;
    }

    function schedule() {
      if (!dirty) { dirty = true; ctx.requestFrame(); }
    }

    function setMode(m, keepPad) {
      mode = m;
      drawBtn.classList.toggle("demo-on", m === "draw");
      testBtn.classList.toggle("demo-on", m === "samples");
      sampleBar.style.visibility = m === "samples" ? "visible" : "hidden";
      if (m === "samples") showSample(sampleIdx);
      else { if (!keepPad) clearPad(); redraw(); }
    }

    function showSample(i) {
      if (!samples.images.length) { schedule(); return; }
      sampleIdx = (i + samples.images.length) % samples.images.length;
      showSampleOnPad(samples.images[sampleIdx]);
      redraw();
    }

    function step(dir) {
      if (mode !== "samples") setMode("samples");
      if (onlyMistakes && mistakes.length) {
        var pos = -1;
        for (var k = 0; k < mistakes.length; k++) if (mistakes[k] === sampleIdx) pos = k;
        var nextPos = pos < 0 ? (dir > 0 ? 0 : mistakes.length - 1) : (pos + dir + mistakes.length) % mistakes.length;
        showSample(mistakes[nextPos]);
      } else showSample(sampleIdx + dir);
    }

    clearBtn.addEventListener("click", function () { setMode("draw"); });
    drawBtn.addEventListener("click", function () { setMode("draw"); });
    testBtn.addEventListener("click", function () { setMode("samples"); });
    prevBtn.addEventListener("click", function () { step(-1); });
    nextBtn.addEventListener("click", function () { step(1); });
    wrongBox.addEventListener("change", function () {
      onlyMistakes = wrongBox.checked;
      if (onlyMistakes && mistakes.length && !sampleInfo[sampleIdx].wrong) step(1);
    });

    /** Paint the pad again after its backing store was resized: the test digit, or every stroke. */
    function paintPad() {
      if (mode === "samples" && samples.images.length) { showSampleOnPad(samples.images[sampleIdx]); return; }
      var paths = strokes;
      padCtx.fillStyle = "#000";
      padCtx.fillRect(0, 0, PAD, PAD);
      padCtx.strokeStyle = padCtx.fillStyle = "#fff";
      padCtx.lineCap = padCtx.lineJoin = "round";
      padCtx.lineWidth = lineWidth;
      paths.forEach(function (path) {
        padCtx.beginPath();
        if (path.length === 2) { padCtx.arc(path[0], path[1], lineWidth / 2, 0, 2 * Math.PI); padCtx.fill(); return; }
        padCtx.moveTo(path[0], path[1]);
        for (var k = 2; k + 1 < path.length; k += 2) padCtx.lineTo(path[k], path[k + 1]);
        padCtx.stroke();
      });
    }

    /** Draw the paths from point `from` of stroke `first` on (what comes before is on the pad already). */
    function replay(paths, first, from) {
      for (var s = first; s < paths.length; s++) {
        var path = paths[s], start = s === first ? from : 0;
        last = start > 0 ? { x: path[start - 2], y: path[start - 1] } : null;
        for (var k = start; k + 1 < path.length; k += 2) strokeTo({ x: path[k], y: path[k + 1] });
      }
      last = null;
    }

    /** Show another window's drawing: extend ours when it continues it, else redraw from scratch. */
    function setDrawing(paths) {
      var same = paths.length >= strokes.length;
      for (var s = 0; same && s < strokes.length; s++) {
        var mine = strokes[s], theirs = paths[s];
        if (theirs.length < mine.length || (s < strokes.length - 1 && theirs.length !== mine.length)) same = false;
        for (var k = 0; same && k < mine.length; k++) if (mine[k] !== theirs[k]) same = false;
      }
      if (!same) { clearPad(); replay(paths, 0, 0); return; }
      var first = Math.max(0, strokes.length - 1);
      var from = strokes.length ? strokes[first].length : 0;
      if (strokes.length && from === paths[first].length) { first += 1; from = 0; }
      replay(paths, first, from);
    }

    function reset() {
      inspect = -1; pinned = false;
      sampleIdx = Math.max(0, Math.min(samples.images.length - 1, opts.start || 0));
      onlyMistakes = !!opts.mistakes;
      wrongBox.checked = onlyMistakes;
      last = null;
      clearPad();
      setMode(opts.mode === "samples" || opts.mode === "test" ? "samples" : "draw");
      redraw();
    }
    reset();

    return {
      reset: reset,
      getState: function () {
        return { mode: mode, sample: sampleIdx, mistakes: onlyMistakes, strokes: strokes, inspect: inspect };
      },
      setState: function (st) {
        onlyMistakes = !!st.mistakes;
        wrongBox.checked = onlyMistakes;
        if (typeof st.inspect === "number" && st.inspect !== inspect) { inspect = st.inspect; schedule(); }
        if (st.mode === "samples") {
          sampleIdx = st.sample | 0;
          if (mode !== "samples" || sampleIdx !== st.sample) setMode("samples");
          return;
        }
        if (mode !== "draw") setMode("draw");
        setDrawing(st.strokes || []);
        schedule();
      },
      redraw: function () { paintPad(); return redraw(); },   // benchmarks/bench_demos.py times it
      positions: positions,   // where each neuron is drawn, for tests
      frame: function () { if (dirty) redraw(); return false; },
      key: function (e) {
        if (e.key === "c" || e.key === "C") { setMode("draw"); return true; }
        // ] and [ step test digits only in test mode: no key discards a drawing.
        if (e.key === "]" && mode === "samples") { step(1); return true; }
        if (e.key === "[" && mode === "samples") { step(-1); return true; }
        if (e.key === "d" || e.key === "D") { if (mode !== "draw") setMode("draw"); return true; }
        if (e.key === "t" || e.key === "T") { setMode("samples"); return true; }
        return false;
      }
    };
  }

  window.Demos.Preprocessor = Preprocessor;
  window.Demos.register("draw-digit", factory);
})();
