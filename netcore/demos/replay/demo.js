/*
 * Training replay: scrub through the epochs netcore recorded at build time.
 * Curves with a moving marker, the first-layer weights as they were at that
 * epoch, and what the network of that epoch says about a fixed set of test
 * digits (computed here from the snapshot's weights, not looked up).
 */
(function () {
  "use strict";

  function factory(ctx) {
    var el = ctx.el, opts = ctx.options, data = ctx.data.net || {};
    var snaps = data.snapshots;
    if (!snaps || !snaps.snapshots || !snaps.snapshots.length) {
      throw new Error("window.DeckData.net.snapshots is missing or empty: data/snapshots.js was not loaded");
    }
    var history = snaps.history || [];
    var list = snaps.snapshots;
    var full = (snaps.layers_included || list[0].weights.length) >= snaps.layers.length - 1;
    var samples = window.Demos.loadSamples(data);
    var byEpoch = {};
    history.forEach(function (h) { byEpoch[h.epoch] = h; });

    // fixed digits: the first of each class among the exported samples, or the given indices
    var chosen = [];
    if (Array.isArray(opts.digits)) chosen = opts.digits.filter(function (i) { return i >= 0 && i < samples.images.length; });
    else {
      for (var d = 0; d < 10; d++) {
        for (var i = 0; i < samples.labels.length; i++) if (samples.labels[i] === d) { chosen.push(i); break; }
      }
    }

    var nets = {};
    function netAt(k) {
      if (!nets[k]) nets[k] = new window.Demos.Network({ weights: list[k].weights, biases: list[k].biases, activations: snaps.activations }, snaps.layers);
      return nets[k];
    }

    // ---- DOM ---------------------------------------------------------------
    var curves = el("canvas", { class: "rp-curves", "data-role": "curves" });
    var cv = ctx.setupCanvas(curves, 600, 330);
    var weights = el("canvas", { class: "rp-weights", "data-role": "weights" });
    var wv = ctx.setupCanvas(weights, 580, 330);
    var scrub = el("input", { type: "range", min: 0, max: list.length - 1, step: 1, "data-role": "epoch", "aria-label": "epoch" });
    var epochLabel = el("span", { class: "demo-readout", "data-role": "epoch-label" });
    var accEl = el("span", { class: "demo-readout", "data-role": "accuracy" });
    var costEl = el("span", { class: "demo-readout", "data-role": "cost" });
    var scoreEl = el("span", { class: "demo-readout", "data-role": "score" });
    var playBtn = el("button", { type: "button", "data-role": "play", text: "▶ Play" });
    var digitBox = el("div", { class: "rp-digits" });
    var cells = chosen.map(function (idx) {
      var c = el("canvas", { width: 28, height: 28 });
      var g = c.getContext("2d"), im = g.createImageData(28, 28), src = samples.images[idx];
      for (var p = 0; p < 784; p++) {
        var v = Math.round(src[p] * 255);
        im.data[4 * p] = im.data[4 * p + 1] = im.data[4 * p + 2] = v; im.data[4 * p + 3] = 255;
      }
      g.putImageData(im, 0, 0);
      var out = el("div", { "data-role": "digit-prediction", "data-label": samples.labels[idx], "data-index": samples.indices[idx] });
      var wrap = el("div", { class: "rp-digit" }, [c, out]);
      digitBox.appendChild(wrap);
      return { wrap: wrap, out: out, idx: idx };
    });

    ctx.body.classList.add("rp");
    ctx.body.appendChild(el("div", { class: "rp-scrub" }, [playBtn, scrub, el("span", {}, ["epoch ", epochLabel])]));
    ctx.body.appendChild(el("div", { class: "rp-top" }, [curves, weights]));
    ctx.body.appendChild(el("div", { class: "rp-scrub" }, [
      el("span", {}, ["test accuracy ", accEl]), el("span", {}, ["test cost ", costEl]),
      el("span", {}, ["these digits right: ", scoreEl]), ctx.toolbar()
    ]));
    ctx.body.appendChild(digitBox);

    // colour scale fixed over all epochs so the weights visibly grow from their random start
    var wmax = 1e-9, HIDDEN = Math.min(16, snaps.layers[1]);
    list.forEach(function (s) {
      var W0 = s.weights[0];
      for (var j = 0; j < HIDDEN; j++) for (var k = 0; k < W0[j].length; k++) {
        var a = Math.abs(W0[j][k]);
        if (a > wmax) wmax = a;
      }
    });
    wmax *= 0.5;   // saturate the few extreme weights so the patterns stay visible

    var tile = document.createElement("canvas");
    tile.width = 28; tile.height = 28;
    var tileCtx = tile.getContext("2d"), tileImg = tileCtx.createImageData(28, 28);

    function drawWeights(k) {
      var g = wv.ctx, W0 = list[k].weights[0];
      g.clearRect(0, 0, wv.width, wv.height);
      var cols = Math.ceil(Math.sqrt(HIDDEN * 1.6)), rows = Math.ceil(HIDDEN / cols), size = Math.min((wv.width - 4) / cols - 4, (wv.height - 34) / rows - 4);
      g.imageSmoothingEnabled = false;
      for (var j = 0; j < HIDDEN; j++) {
        var row = W0[j], px = tileImg.data;
        for (var p = 0; p < 784; p++) {
          var t = Math.max(-1, Math.min(1, row[p] / wmax));
          t = t < 0 ? -Math.sqrt(-t) : Math.sqrt(t);   // lift small weights out of the black
          // negative blue, positive orange, zero black: readable on the dark demo background
          px[4 * p] = t > 0 ? 255 * t : 78 * -t;
          px[4 * p + 1] = t > 0 ? 159 * t : 168 * -t;
          px[4 * p + 2] = t > 0 ? 28 * t : 255 * -t;
          px[4 * p + 3] = 255;
        }
        tileCtx.putImageData(tileImg, 0, 0);
        var x = 2 + (j % cols) * (size + 4), y = 32 + Math.floor(j / cols) * (size + 4);
        g.drawImage(tile, x, y, size, size);
      }
      g.fillStyle = "#b8bcc6"; g.font = "24px sans-serif"; g.textBaseline = "top";
      g.fillText("first-layer weights (blue < 0 < orange)", 2, 0);
    }

    // the curves' data never change; only the epoch marker moves
    function series(key) { return history.map(function (h) { return h[key]; }); }
    var ep = series("epoch"), trainCost = series("train_cost"), testCost = series("test_cost"), testAccuracy = series("test_accuracy");
    var perEpoch = snaps.batches_per_epoch || 1;   // gradient steps per epoch
    var cmax = 0;
    trainCost.concat(testCost).forEach(function (v) { if (v > cmax) cmax = v; });

    function drawCurves(k) {
      var g = cv.ctx, W = cv.width, H = cv.height;
      var padL = 64, padR = 70, padT = 14, padB = 40;
      g.clearRect(0, 0, W, H);
      if (!ep.length) return;
      // Log-scaled gradient steps: most learning happens in the first epoch's first
      // few hundred steps, which a linear epoch axis squeezes into one pixel column.
      var e1 = ep[ep.length - 1] || 1, top = Math.log(1 + e1 * perEpoch);
      var X = function (e) { return padL + Math.log(1 + e * perEpoch) / top * (W - padL - padR); };
      var Yc = function (v) { return padT + (1 - v / cmax) * (H - padT - padB); };
      var Ya = function (v) { return padT + (1 - v) * (H - padT - padB); };
      g.strokeStyle = "#444a57"; g.lineWidth = 1;
      g.strokeRect(padL, padT, W - padL - padR, H - padT - padB);
      g.fillStyle = "#b8bcc6"; g.font = "24px sans-serif";
      g.textAlign = "center"; g.textBaseline = "top";
      g.fillText("steps (log)", X(1000 / perEpoch), H - padB + 4);   // where the 1k tick's label would be
      [[0, "0"], [10, "10"], [100, "100"], [1000, "1k"], [10000, "10k"]].forEach(function (t) {
        if (t[0] > e1 * perEpoch) return;
        var x = X(t[0] / perEpoch);
        g.strokeStyle = "#444a57"; g.beginPath(); g.moveTo(x, H - padB); g.lineTo(x, H - padB + 4); g.stroke();
        if (t[0] !== 1000) g.fillText(t[1], x, H - padB + 4);
      });
      g.textAlign = "right"; g.textBaseline = "middle";
      g.fillText(cmax.toFixed(2), padL - 4, Yc(cmax)); g.fillText("0", padL - 4, Yc(0));
      g.textAlign = "left";
      g.fillText("100%", W - padR + 4, Ya(1)); g.fillText("0%", W - padR + 4, Ya(0));
      function line(vals, Y, colour, dash) {
        g.strokeStyle = colour; g.lineWidth = 3; g.setLineDash(dash || []);
        g.beginPath();
        vals.forEach(function (v, i) { if (v === null || v === undefined) return; if (i === 0) g.moveTo(X(ep[i]), Y(v)); else g.lineTo(X(ep[i]), Y(v)); });
        g.stroke(); g.setLineDash([]);
      }
      line(trainCost, Yc, "#4ea8ff", [6, 4]);
      line(testCost, Yc, "#ff9f1c");
      line(testAccuracy, Ya, "#8fe388");
      var e = list[k].epoch;
      g.strokeStyle = "#ffd23f"; g.lineWidth = 2;
      g.beginPath(); g.moveTo(X(e), padT); g.lineTo(X(e), H - padB); g.stroke();
      var h = byEpoch[e];
      if (h) {
        [[h.test_cost, Yc, "#ff9f1c"], [h.test_accuracy, Ya, "#8fe388"]].forEach(function (m) {
          g.fillStyle = m[2]; g.beginPath(); g.arc(X(e), m[1](m[0]), 6, 0, 2 * Math.PI); g.fill();
        });
      }
      g.font = "24px sans-serif"; g.textAlign = "right"; g.textBaseline = "top";
      var ly = padT + 0.3 * (H - padT - padB), lx = W - padR - 8;
      g.fillStyle = "#4ea8ff"; g.fillText("training cost", lx, ly);
      g.fillStyle = "#ff9f1c"; g.fillText("test cost", lx, ly + 28);
      g.fillStyle = "#8fe388"; g.fillText("test accuracy", lx, ly + 56);
    }

    function drawPredictions(k) {
      if (!full) { scoreEl.textContent = "n/a (snapshots keep the first layer only)"; return; }
      var net = netAt(k), right = 0;
      cells.forEach(function (c) {
        var p = net.predict(samples.images[c.idx]), ok = p === samples.labels[c.idx];
        if (ok) right++;
        c.out.textContent = String(p);
        c.out.setAttribute("data-value", String(p));
        c.wrap.classList.toggle("rp-wrong", !ok);
        c.wrap.classList.toggle("rp-right", ok);
      });
      scoreEl.textContent = right + " / " + cells.length;
      scoreEl.setAttribute("data-value", String(right));
    }

    var current = -1, playing = false, acc = 0;
    function show(k) {
      k = Math.max(0, Math.min(list.length - 1, k | 0));
      current = k;
      scrub.value = String(k);
      var e = list[k].epoch, h = byEpoch[e] || {};
      epochLabel.textContent = (e === Math.round(e) ? String(e) : e.toFixed(e < 0.1 ? 3 : 2)) + " / " + list[list.length - 1].epoch +
        " (" + Math.round(e * perEpoch) + " steps)";
      epochLabel.setAttribute("data-value", String(e));
      accEl.textContent = h.test_accuracy !== undefined ? (100 * h.test_accuracy).toFixed(1) + "%" : "–";
      accEl.setAttribute("data-value", h.test_accuracy !== undefined ? String(h.test_accuracy) : "");
      costEl.textContent = h.test_cost !== undefined ? h.test_cost.toFixed(4) : "–";
      costEl.setAttribute("data-value", h.test_cost !== undefined ? String(h.test_cost) : "");
      ctx.root.setAttribute("data-epoch", String(e));
      drawCurves(k); drawWeights(k); drawPredictions(k);
    }
    scrub.addEventListener("input", function () { playing = false; syncPlay(); show(parseInt(scrub.value, 10)); });
    function syncPlay() { playBtn.textContent = playing ? "❚❚ Pause" : "▶ Play"; ctx.root.setAttribute("data-playing", String(playing)); }
    playBtn.addEventListener("click", function () {
      playing = !playing;
      if (playing && current >= list.length - 1) show(0);
      acc = 0; syncPlay();
      if (playing) ctx.requestFrame();
    });

    function reset() {
      playing = false; syncPlay();
      show(opts.epoch !== undefined ? opts.epoch : 0);
    }
    reset();

    return {
      reset: reset,
      redraw: function () { drawCurves(current); drawWeights(current); },
      getState: function () { return { snapshot: current, playing: playing }; },
      setState: function (st) {
        playing = !!st.playing; syncPlay();
        if (st.snapshot !== current) show(st.snapshot);
        if (playing) ctx.requestFrame();
      },
      pause: function () { playing = false; syncPlay(); },
      frame: function (dt) {
        if (!playing || !ctx.leads()) return false;
        acc += dt;
        if (acc >= (opts.interval || 600)) {
          acc = 0;
          if (current >= list.length - 1) { playing = false; syncPlay(); return false; }
          show(current + 1);
        }
        return playing;
      },
      key: function (e) {
        // Arrows and space move the deck; ] [ scrub and G plays.
        if (e.key === "]") { show(current + 1); return true; }
        if (e.key === "[") { show(current - 1); return true; }
        if (e.key === "g" || e.key === "G") { playBtn.click(); return true; }
        return false;
      }
    };
  }

  window.Demos.register("replay", factory);
})();
