/*
 * One neuron: a weighted sum of a few inputs plus a bias, pushed through
 * sigmoid or ReLU. Sliders change weights, bias and inputs; the plot marks
 * where the weighted sum z lands on the activation curve.
 */
(function () {
  "use strict";

  var FUNCS = {
    sigmoid: function (z) { return 1 / (1 + Math.exp(-z)); },
    relu: function (z) { return z > 0 ? z : 0; }
  };

  function factory(ctx) {
    var el = ctx.el, opts = ctx.options;
    var n = Math.max(1, Math.min(3, opts.inputs || 3));
    var defaults = {
      w: (opts.weights || [1.5, -2, 0.8]).slice(0, n),
      x: (opts.x || [0.9, 0.2, 0.6]).slice(0, n),
      b: opts.bias !== undefined ? opts.bias : -0.5,
      activation: FUNCS[opts.activation] ? opts.activation : "sigmoid"
    };
    var act = defaults.activation;
    var ZMAX = 8;

    var wS = [], xS = [];
    for (var i = 0; i < n; i++) {
      wS.push(ctx.slider({ label: "w" + (i + 1), role: "w" + (i + 1), min: -4, max: 4, step: 0.05, value: defaults.w[i], onInput: update }));
      xS.push(ctx.slider({ label: "a" + (i + 1), role: "x" + (i + 1), min: 0, max: 1, step: 0.01, value: defaults.x[i], onInput: update }));
    }
    var bS = ctx.slider({ label: "b", role: "b", min: -6, max: 6, step: 0.05, value: defaults.b, onInput: update });
    var sigBtn = el("button", { type: "button", "data-role": "sigmoid", text: "sigmoid" });
    var reluBtn = el("button", { type: "button", "data-role": "relu", text: "ReLU" });
    sigBtn.addEventListener("click", function () { act = "sigmoid"; update(); });
    reluBtn.addEventListener("click", function () { act = "relu"; update(); });

    var sumEl = el("div", { class: "nn-sum", "data-role": "formula" });
    var zEl = el("span", { class: "demo-readout", "data-role": "z" });
    var outEl = el("span", { class: "demo-readout", "data-role": "output" });
    var plot = el("canvas", { class: "nn-plot", "data-role": "plot" });
    var view = ctx.setupCanvas(plot, 740, 450);

    var controls = el("div", { class: "nn-controls" });
    for (i = 0; i < n; i++) { controls.appendChild(wS[i].element); controls.appendChild(xS[i].element); }
    controls.appendChild(bS.element);
    controls.appendChild(el("div", { class: "demo-buttons" }, [sigBtn, reluBtn, ctx.toolbar()]));
    ctx.body.appendChild(controls);
    ctx.body.appendChild(el("div", {}, [
      plot, sumEl,
      el("div", { class: "nn-out" }, ["z = ", zEl, el("span", { class: "demo-muted", text: "   →   " }), el("span", { "data-role": "act-name" }), "(z) = ", outEl])
    ]));
    var actName = ctx.body.querySelector('[data-role="act-name"]');

    function weightedSum() {
      var z = bS.get();
      for (var i = 0; i < n; i++) z += wS[i].get() * xS[i].get();
      return z;
    }

    function drawPlot(z, a) {
      var g = view.ctx, W = view.width, H = view.height, f = FUNCS[act];
      var padL = 56, padR = 16, padT = 14, padB = 40;
      var ymin = act === "sigmoid" ? -0.1 : -0.5, ymax = act === "sigmoid" ? 1.1 : ZMAX;
      var X = function (v) { return padL + (v + ZMAX) / (2 * ZMAX) * (W - padL - padR); };
      var Y = function (v) { return padT + (ymax - v) / (ymax - ymin) * (H - padT - padB); };
      g.clearRect(0, 0, W, H);
      g.lineWidth = 1; g.strokeStyle = "#444a57";
      g.beginPath();
      g.moveTo(X(-ZMAX), Y(0)); g.lineTo(X(ZMAX), Y(0));
      g.moveTo(X(0), Y(ymin)); g.lineTo(X(0), Y(ymax));
      g.stroke();
      g.fillStyle = "#b8bcc6"; g.font = "24px sans-serif"; g.textAlign = "center"; g.textBaseline = "top";
      for (var t = -ZMAX; t <= ZMAX; t += 4) g.fillText(String(t), X(t), Y(ymin) + 4);
      g.fillText("z", X(ZMAX) - 8, Y(0) + 4);
      g.textAlign = "right"; g.textBaseline = "middle";
      var ticks = act === "sigmoid" ? [0, 0.5, 1] : [0, 4, 8];
      ticks.forEach(function (v) { g.fillText(String(v), padL - 6, Y(v)); });
      g.strokeStyle = "#ffd23f"; g.lineWidth = 3;
      g.beginPath();
      for (var k = 0; k <= 200; k++) {
        var zz = -ZMAX + 2 * ZMAX * k / 200;
        if (k === 0) g.moveTo(X(zz), Y(f(zz))); else g.lineTo(X(zz), Y(f(zz)));
      }
      g.stroke();
      var zc = Math.max(-ZMAX, Math.min(ZMAX, z)), ac = Math.max(ymin, Math.min(ymax, a));
      g.setLineDash([5, 4]); g.strokeStyle = "#4ea8ff"; g.lineWidth = 2;
      g.beginPath(); g.moveTo(X(zc), Y(0)); g.lineTo(X(zc), Y(ac)); g.lineTo(X(-ZMAX), Y(ac)); g.stroke();
      g.setLineDash([]);
      g.fillStyle = "#ff9f1c";
      g.beginPath(); g.arc(X(zc), Y(ac), 8, 0, 2 * Math.PI); g.fill();
    }

    function update() {
      var z = weightedSum(), a = FUNCS[act](z);
      var terms = [];
      for (var i = 0; i < n; i++) terms.push(wS[i].get().toFixed(2) + "·" + xS[i].get().toFixed(2));
      sumEl.textContent = "z = " + terms.join(" + ") + " + (" + bS.get().toFixed(2) + ")";
      zEl.textContent = z.toFixed(3);
      zEl.setAttribute("data-value", String(z));
      outEl.textContent = a.toFixed(3);
      outEl.setAttribute("data-value", String(a));
      actName.textContent = act === "sigmoid" ? "σ" : "ReLU";
      sigBtn.classList.toggle("demo-on", act === "sigmoid");
      reluBtn.classList.toggle("demo-on", act === "relu");
      ctx.root.setAttribute("data-activation", act);
      drawPlot(z, a);
    }

    function reset() {
      for (var i = 0; i < n; i++) { wS[i].set(defaults.w[i]); xS[i].set(defaults.x[i]); }
      bS.set(defaults.b);
      act = defaults.activation;
      update();
    }
    reset();

    return {
      reset: reset,
      redraw: update,
      getState: function () {
        return { w: wS.map(function (s) { return s.get(); }), x: xS.map(function (s) { return s.get(); }), b: bS.get(), activation: act };
      },
      setState: function (st) {
        for (var i = 0; i < n; i++) { wS[i].set(st.w[i]); xS[i].set(st.x[i]); }
        bS.set(st.b);
        act = FUNCS[st.activation] ? st.activation : act;
        update();
      },
      key: function (e) {
        // S opens the speaker view, so the sigmoid is G.
        if (e.key === "g" || e.key === "G") { act = "sigmoid"; update(); return true; }
        if (e.key === "l" || e.key === "L") { act = "relu"; update(); return true; }
        return false;
      }
    };
  }

  window.Demos.register("neuron", factory);
})();
