/*
 * Backpropagation step by step on a chain of one sigmoid neuron per layer:
 * z_l = w_l a_{l-1} + b_l, a_l = sigma(z_l), C = (a_L - y)^2.
 * Each click reveals one stage (forward, then backward); every gradient is
 * checked against a central finite difference, so the audience sees the
 * chain rule agree with brute force.
 */
(function () {
  "use strict";

  function sigma(z) { return 1 / (1 + Math.exp(-z)); }

  /** Forward pass of the chain; returns {z[], a[], C} with a[0] = x. */
  function forward(w, b, x, y) {
    var a = [x], z = [null];
    for (var l = 1; l < w.length; l++) {
      z.push(w[l] * a[l - 1] + b[l]);
      a.push(sigma(z[l]));
    }
    var d = a[a.length - 1] - y;
    return { z: z, a: a, C: d * d };
  }

  /** Backward pass: every partial derivative of C, by the chain rule. */
  function backward(w, f, y) {
    var L = w.length - 1, dA = new Array(L + 1), dZ = new Array(L + 1), dW = new Array(L + 1), dB = new Array(L + 1);
    dA[L] = 2 * (f.a[L] - y);
    for (var l = L; l >= 1; l--) {
      dZ[l] = dA[l] * f.a[l] * (1 - f.a[l]);   // sigma'(z) = sigma(z)(1 - sigma(z))
      dW[l] = dZ[l] * f.a[l - 1];
      dB[l] = dZ[l];
      dA[l - 1] = dZ[l] * w[l];
    }
    return { dA: dA, dZ: dZ, dW: dW, dB: dB };
  }

  function finiteDifference(w, b, x, y, which, l, h) {
    var wp = w.slice(), bp = b.slice(), wm = w.slice(), bm = b.slice();
    if (which === "w") { wp[l] += h; wm[l] -= h; } else { bp[l] += h; bm[l] -= h; }
    return (forward(wp, bp, x, y).C - forward(wm, bm, x, y).C) / (2 * h);
  }

  function fmt(v) {
    if (!isFinite(v)) return String(v);
    var a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(3) : v.toFixed(5);
  }

  function factory(ctx) {
    var el = ctx.el, opts = ctx.options;
    var L = Math.max(1, Math.min(4, opts.layers || 3));
    var defW = opts.w || [0.8, -1.4, 2.1, 1.2], defB = opts.b || [0.3, 0.5, -0.7, 0.1];
    var defX = opts.x !== undefined ? opts.x : 0.9, defY = opts.y !== undefined ? opts.y : 1.0;
    var H = 1e-5;
    var TOTAL = 2 * L + 2;   // L forward, cost, dC/da_L, L backward layers

    var inputs = {};
    function numberInput(role, label, value, step) {
      var inp = el("input", { type: "number", step: step || 0.1, "data-role": role, "aria-label": label });
      inp.value = String(value);
      inp.addEventListener("input", function () { recompute(); });
      inputs[role] = inp;
      return el("label", {}, [el("span", { class: "demo-muted", text: label }), inp]);
    }
    var params = el("div", { class: "bp-params" });
    params.appendChild(numberInput("x", "x = a₀", defX));
    for (var l = 1; l <= L; l++) {
      params.appendChild(numberInput("w" + l, "w" + sub(l), defW[l - 1]));
      params.appendChild(numberInput("b" + l, "b" + sub(l), defB[l - 1]));
    }
    params.appendChild(numberInput("y", "target y", defY));
    function sub(n) { return String(n).replace(/\d/g, function (d) { return "₀₁₂₃₄₅₆₇₈₉"[+d]; }); }

    var chain = el("canvas", { class: "bp-chain", "data-role": "chain" });
    var view = ctx.setupCanvas(chain, 1200, 190);
    var stageEl = el("div", { class: "bp-stage", "data-role": "stage" });
    var prevBtn = el("button", { type: "button", "data-role": "back", text: "◀ Back" });
    var stepBtn = el("button", { type: "button", "data-role": "step", text: "Step ▶" });
    var allBtn = el("button", { type: "button", "data-role": "run-all", text: "All steps" });
    var errEl = el("span", { class: "demo-readout", "data-role": "fd-error" });

    // table: one row per layer
    var cols = [
      ["z", "z"], ["a", "a"], ["dC/da", "∂C/∂a"], ["dC/dz", "∂C/∂z"],
      ["dC/dw", "∂C/∂w"], ["fd-w", "finite diff. w"], ["dC/db", "∂C/∂b"], ["fd-b", "finite diff. b"]
    ];
    var cells = {};
    var thead = el("tr", {}, [el("th", { text: "layer" })].concat(cols.map(function (c) { return el("th", { text: c[1] }); })));
    var tbody = el("tbody");
    for (l = 0; l <= L; l++) {
      var tr = el("tr", {}, [el("th", { text: l === 0 ? "input" : String(l) })]);
      cols.forEach(function (c) {
        var td = el("td", { "data-role": c[0] + l });
        cells[c[0] + l] = td;
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    }
    var costCell = el("span", { class: "demo-readout", "data-role": "C" });
    var table = el("table", { class: "bp-table" }, [el("thead", {}, [thead]), tbody]);

    ctx.body.classList.add("bp");
    ctx.body.appendChild(params);
    ctx.body.appendChild(chain);
    ctx.body.appendChild(el("div", { class: "demo-buttons" }, [prevBtn, stepBtn, allBtn, ctx.toolbar(),
      el("span", { style: "margin-left:12px" }, ["C = ", costCell]),
      el("span", { style: "margin-left:12px" }, ["max |chain rule − finite diff.| = ", errEl])]));
    ctx.body.appendChild(stageEl);
    ctx.body.appendChild(table);
    var inputError = el("p", { class: "demo-error-text bp-input-error", "data-role": "input-error", role: "alert" });
    ctx.body.appendChild(inputError);

    var stage = 0, state = null;

    /** A field's number, or null when it holds none (blank, a lone "-"): never a silent 0. */
    function read(role) {
      var field = inputs[role];
      var v = field.validity && field.validity.badInput ? NaN : parseFloat(field.value);
      var ok = isFinite(v);
      field.classList.toggle("demo-invalid", !ok);
      if (ok) field.removeAttribute("aria-invalid"); else field.setAttribute("aria-invalid", "true");
      return ok ? v : null;
    }

    function recompute() {
      var w = [null], b = [null];
      for (var l = 1; l <= L; l++) { w.push(read("w" + l)); b.push(read("b" + l)); }
      var x = read("x"), y = read("y");
      var bad = Object.keys(inputs).filter(function (role) { return inputs[role].classList.contains("demo-invalid"); });
      var names = bad.map(function (role) { return inputs[role].getAttribute("aria-label"); });
      inputError.textContent = bad.length ? names.join(", ") + (bad.length > 1 ? " need numbers" : " needs a number") +
        "; showing the last valid input" : "";
      ctx.root.classList.toggle("bp-invalid", bad.length > 0);
      ctx.root.setAttribute("data-invalid", bad.join(" "));
      if (bad.length) return;   // keep showing the last valid computation (reset() always starts valid)
      var f = forward(w, b, x, y), g = backward(w, f, y);
      var fdW = [null], fdB = [null];
      for (l = 1; l <= L; l++) {
        fdW.push(finiteDifference(w, b, x, y, "w", l, H));
        fdB.push(finiteDifference(w, b, x, y, "b", l, H));
      }
      state = { w: w, b: b, x: x, y: y, f: f, g: g, fdW: fdW, fdB: fdB };
      render();
    }

    /** The stage at which a quantity appears: forward pass, cost, then backwards layer by layer. */
    function revealedAt(kind, l) {
      if (kind === "a" && l === 0) return -1;   // the input is there from the start
      if (kind === "z" || kind === "a") return l;
      if (kind === "C") return L + 1;
      if (kind === "dC/da") return 2 * L + 2 - l;
      // dz, dw, db and fd of layer l appear together, one stage after its dC/da
      return 2 * L + 3 - l;
    }
    function shown(kind, l) { return stage >= revealedAt(kind, l); }
    function isNew(kind, l) { return stage === revealedAt(kind, l); }

    function setCell(key, show, value, fresh) {
      var td = cells[key];
      if (!td) return;
      if (show && value !== null && value !== undefined) {
        td.textContent = fmt(value);
        td.setAttribute("data-value", String(value));
        td.className = fresh ? "bp-new" : "";
      } else {
        td.textContent = value === null ? "" : "·";
        td.removeAttribute("data-value");
        td.className = "bp-hidden";
      }
    }

    function render() {
      var s = state, f = s.f, g = s.g, maxErr = 0;
      for (var l = 0; l <= L; l++) {
        setCell("z" + l, l > 0 && shown("z", l), l > 0 ? f.z[l] : null, isNew("z", l));
        setCell("a" + l, shown("a", l), f.a[l], isNew("a", l));
        setCell("dC/da" + l, shown("dC/da", l), g.dA[l], isNew("dC/da", l));
        ["dC/dz", "dC/dw", "dC/db", "fd-w", "fd-b"].forEach(function (k) {
          var val = l === 0 ? null : { "dC/dz": g.dZ[l], "dC/dw": g.dW[l], "dC/db": g.dB[l], "fd-w": s.fdW[l], "fd-b": s.fdB[l] }[k];
          setCell(k + l, l > 0 && shown("dC/dz", l), val, l > 0 && isNew("dC/dz", l));
        });
        if (l > 0 && shown("dC/dz", l)) {
          maxErr = Math.max(maxErr, Math.abs(g.dW[l] - s.fdW[l]), Math.abs(g.dB[l] - s.fdB[l]));
        }
      }
      var cShown = shown("C", L);
      costCell.textContent = cShown ? fmt(f.C) : "·";
      if (cShown) costCell.setAttribute("data-value", String(f.C)); else costCell.removeAttribute("data-value");
      var anyGrad = shown("dC/dz", L);
      errEl.textContent = anyGrad ? maxErr.toExponential(2) : "·";
      if (anyGrad) errEl.setAttribute("data-value", String(maxErr)); else errEl.removeAttribute("data-value");
      stageEl.textContent = describe();
      stageEl.setAttribute("data-value", String(stage));
      ctx.root.setAttribute("data-stage", String(stage));
      ctx.root.setAttribute("data-complete", stage >= TOTAL ? "true" : "false");
      drawChain();
    }

    function describe() {
      if (stage === 0) return "Step 0: set w, b, x and y, then press Step to run the forward pass.";
      if (stage <= L) return "Forward, layer " + stage + ": z" + sub(stage) + " = w" + sub(stage) + "·a" + sub(stage - 1) + " + b" + sub(stage) + ", a" + sub(stage) + " = σ(z" + sub(stage) + ")";
      if (stage === L + 1) return "Cost: C = (a" + sub(L) + " − y)²";
      if (stage === L + 2) return "Backward: ∂C/∂a" + sub(L) + " = 2(a" + sub(L) + " − y)";
      var l = L - (stage - L - 3);
      return "Backward, layer " + l + ": ∂C/∂z = ∂C/∂a·σ′(z), ∂C/∂w = ∂C/∂z·a" + sub(l - 1) + ", ∂C/∂b = ∂C/∂z, ∂C/∂a" + sub(l - 1) + " = ∂C/∂z·w" + sub(l);
    }

    function drawChain() {
      var gx = view.ctx, W = view.width, Hh = view.height, s = state, f = s.f, g = s.g;
      gx.clearRect(0, 0, W, Hh);
      var n = L + 2, xs = [];
      for (var i = 0; i < n; i++) xs.push(70 + i * (W - 140) / (n - 1));
      var cy = 66, R = 32;
      var FONT = "24px sans-serif", BOLD = "bold 24px sans-serif";
      gx.font = FONT; gx.textAlign = "center"; gx.textBaseline = "middle";
      /** Centred text, moved inwards where it would cross the canvas edge (∂C/∂a under x was cut off). */
      function label(text, x, y) {
        var half = gx.measureText(text).width / 2 + 4;
        gx.fillText(text, Math.max(half, Math.min(W - half, x)), y);
      }
      for (i = 0; i < n - 1; i++) {
        var active = i >= 1 && stage === i;
        gx.strokeStyle = active ? "#ffd23f" : "#596070"; gx.lineWidth = active ? 4 : 2;
        gx.beginPath(); gx.moveTo(xs[i] + R, cy); gx.lineTo(xs[i + 1] - R, cy); gx.stroke();
        if (i < L) {
          gx.fillStyle = "#b8bcc6";
          label("w" + sub(i + 1) + "=" + s.w[i + 1].toFixed(2) + "  b" + sub(i + 1) + "=" + s.b[i + 1].toFixed(2), (xs[i] + xs[i + 1]) / 2, cy - 26);
          if (shown("dC/dz", i + 1)) {
            gx.fillStyle = "#ff9f1c";
            label("∂C/∂w=" + fmt(g.dW[i + 1]), (xs[i] + xs[i + 1]) / 2, cy + 26);
          }
        }
      }
      for (i = 0; i < n; i++) {
        var isCost = i === n - 1;
        var val = isCost ? (shown("C", L) ? f.C : null) : (shown("a", i) ? f.a[i] : null);
        gx.beginPath();
        if (isCost) gx.rect(xs[i] - R, cy - R, 2 * R, 2 * R); else gx.arc(xs[i], cy, R, 0, 2 * Math.PI);
        var gv = val === null || isCost ? 40 : Math.round(40 + 200 * Math.max(0, Math.min(1, val)));
        gx.fillStyle = "rgb(" + gv + "," + gv + "," + gv + ")"; gx.fill();
        gx.lineWidth = 2; gx.strokeStyle = "#b8bcc6"; gx.stroke();
        gx.fillStyle = gv > 150 ? "#000" : "#fff";
        gx.font = BOLD;
        gx.fillText(val === null ? "?" : val.toFixed(2), xs[i], cy);
        gx.font = FONT; gx.fillStyle = "#f4f4f4";
        label(isCost ? "C" : (i === 0 ? "x = a₀" : "a" + sub(i)), xs[i], cy + R + 22);
        var dshow = !isCost && shown("dC/da", i);
        if (dshow) { gx.fillStyle = "#4ea8ff"; label("∂C/∂a=" + fmt(g.dA[i]), xs[i], cy + R + 52); }
      }
    }

    function go(to) {
      stage = Math.max(0, Math.min(TOTAL, to));
      render();
    }
    prevBtn.addEventListener("click", function () { go(stage - 1); });
    stepBtn.addEventListener("click", function () { go(stage + 1); });
    allBtn.addEventListener("click", function () { go(TOTAL); });

    function reset() {
      inputs.x.value = String(defX); inputs.y.value = String(defY);
      for (var l = 1; l <= L; l++) { inputs["w" + l].value = String(defW[l - 1]); inputs["b" + l].value = String(defB[l - 1]); }
      stage = 0;
      recompute();
    }
    reset();

    return {
      reset: reset,
      redraw: drawChain,
      getState: function () {
        var values = {};
        Object.keys(inputs).forEach(function (role) { values[role] = inputs[role].value; });
        return { values: values, stage: stage };
      },
      setState: function (st) {
        Object.keys(inputs).forEach(function (role) {
          if (typeof st.values[role] === "string") inputs[role].value = st.values[role];
        });
        stage = Math.max(0, Math.min(TOTAL, st.stage | 0));
        recompute();
      },
      key: function (e) {
        // Arrows, space, n and p move the deck; ] and [ step the computation.
        if (e.key === "]") { go(stage + 1); return true; }
        if (e.key === "[") { go(stage - 1); return true; }
        return false;
      }
    };
  }

  window.Demos.register("backprop", factory);
})();
