/*
 * The room's digits, live: what the audience drew on their phones during
 * `build.py --present`, classified by the same trained network as every
 * other demo (netcore/browser/network.js). The projector shows how many
 * arrived, how often the network read them as their authors meant, a
 * confusion grid of the room's handwriting against the network, and the odd
 * ones out large. The presenter can clear the room, pause it, or hide a
 * drawing (click it twice). Without --present it says how to bring the room in.
 *
 * The digits come from the present server's presenter-only stream
 * (/__present__/room, with the run's token); phones see only the count.
 */
(function () {
  "use strict";

  var SIDE = 28;
  var RECENT = 13;   // newest arrivals in the strip
  var ODD = 6;       // odd ones out shown large
  var ARM_MS = 3000; // a second click within this time confirms a hide or a clear

  function factory(ctx) {
    var el = ctx.el;
    var cfg = window.DeckPresentConfig || null;
    var preview = /receiver|print-pdf/i.test(window.location.search);
    var presenter = !!(cfg && cfg.role === "presenter" && cfg.token) && !preview;
    var net = window.Demos.trainedNetwork();
    var classes = net.layers[net.layers.length - 1];

    // ---- DOM --------------------------------------------------------------------------
    var countEl = el("div", { class: "rd-count", "data-role": "count", text: "0" });
    var countLabel = el("div", { class: "rd-count-label", text: "digits from the room" });
    var rightEl = el("div", { class: "rd-right", "data-role": "accuracy", text: "" });
    var statusEl = el("div", { class: "rd-status", "data-role": "status", text: "" });
    var grid = el("table", { class: "rd-grid", "data-role": "confusion", "aria-label": "Confusion grid: rows the digit meant, columns what the network read" });
    var cells = [];
    grid.appendChild(el("caption", { text: "row: meant \u00b7 column: read" }));
    var headRow = el("tr", {}, [el("th", {})]);
    for (var c = 0; c < classes; c++) headRow.appendChild(el("th", { text: String(c) }));
    grid.appendChild(headRow);
    for (var r = 0; r < classes; r++) {
      var row = el("tr", {}, [el("th", { text: String(r) })]);
      cells.push([]);
      for (c = 0; c < classes; c++) {
        var td = el("td", { "data-meant": r, "data-read": c, class: r === c ? "rd-diag" : null });
        cells[r].push(td);
        row.appendChild(td);
      }
      grid.appendChild(row);
    }
    var oddBox = el("div", { class: "rd-odd", "data-role": "odd" });
    var recentBox = el("div", { class: "rd-recent", "data-role": "recent" });
    var clearBtn = el("button", { type: "button", "data-role": "room-clear", text: "Clear room" });
    var freezeBtn = el("button", { type: "button", "data-role": "room-freeze", text: "Pause room" });
    var note = el("p", { class: "rd-note", "data-role": "note" });

    var summary = el("div", { class: "rd-summary" }, [countEl, countLabel, rightEl, statusEl]);
    if (presenter) summary.appendChild(el("div", { class: "demo-buttons" }, [freezeBtn, clearBtn, ctx.toolbar()]));
    var oddColumn = el("div", { class: "rd-odd-column" }, [el("div", { class: "rd-heading", text: "Odd ones out" }), oddBox]);
    ctx.body.classList.add("rd");
    ctx.body.appendChild(el("div", { class: "rd-top" }, [summary, grid, oddColumn]));
    ctx.body.appendChild(el("div", { class: "rd-bottom" }, [el("div", { class: "rd-heading", text: "Just arrived" }), recentBox, note]));

    // ---- state ------------------------------------------------------------------------
    var digits = [];           // arrival order: {id, label, read, sure, meantP, image}
    var byId = {};
    var room = null;           // the server's public state
    var dirty = true, armed = null, armedTimer = 0, source = null;

    function classify(b64) {
      var raw = window.atob(b64);
      if (raw.length !== SIDE * SIDE) return null;
      var image = new Float64Array(raw.length);
      for (var i = 0; i < raw.length; i++) image[i] = raw.charCodeAt(i) / 255;
      var out = net.forward(image)[net.layers.length - 1];
      var read = window.Demos.argmax(out);
      return { image: image, read: read, sure: out[read], out: Array.prototype.slice.call(out) };
    }

    function add(d) {
      if (byId[d.id]) return;
      var seen = classify(d.pixels);
      if (!seen) return;
      var item = { id: d.id, label: d.label, read: seen.read, sure: seen.sure, meantP: seen.out[d.label], image: seen.image, fresh: true };
      digits.push(item);
      byId[d.id] = item;
      dirty = true;
    }

    function remove(id) {
      var item = byId[id];
      if (!item) return;
      delete byId[id];
      digits.splice(digits.indexOf(item), 1);
      dirty = true;
    }

    function drawDigit(canvas, image) {
      canvas.width = SIDE;
      canvas.height = SIDE;
      var g = canvas.getContext("2d");
      var pixels = g.createImageData(SIDE, SIDE);
      for (var i = 0; i < SIDE * SIDE; i++) {
        var v = Math.round(image[i] * 255);
        pixels.data[4 * i] = pixels.data[4 * i + 1] = pixels.data[4 * i + 2] = v;
        pixels.data[4 * i + 3] = 255;
      }
      g.putImageData(pixels, 0, 0);
    }

    function tile(item, big) {
      var canvas = el("canvas", { class: big ? "rd-big" : "rd-thumb", "aria-label": "a drawn " + item.label });
      drawDigit(canvas, item.image);
      var right = item.read === item.label;
      var caption = big ? item.label + " \u2192 " + item.read : item.read + (right ? " \u2713" : " \u2717");
      var wrap = el("figure", {
        class: "rd-tile" + (right ? " rd-ok" : " rd-wrong") + (item.fresh && !big ? " rd-fresh" : "") + (armed === item.id ? " rd-armed" : ""),
        "data-id": item.id, "data-label": item.label, "data-read": item.read,
        title: "meant " + item.label + ", read as " + item.read + " (" + Math.round(item.sure * 100) + "% sure)" +
          (presenter ? "; click twice to hide it" : "")
      }, [canvas, el("figcaption", { text: armed === item.id ? "hide?" : caption })]);
      if (presenter) wrap.addEventListener("click", function () { hideClicked(item.id); });
      return wrap;
    }

    function render() {
      dirty = false;
      var n = digits.length, right = 0, counts = [], max = 0, i, r, c;
      for (r = 0; r < classes; r++) { counts.push([]); for (c = 0; c < classes; c++) counts[r].push(0); }
      digits.forEach(function (d) {
        counts[d.label][d.read] += 1;
        if (d.read === d.label) right += 1;
      });
      for (r = 0; r < classes; r++) for (c = 0; c < classes; c++) {
        var k = counts[r][c];
        if (k > max) max = k;
      }
      for (r = 0; r < classes; r++) for (c = 0; c < classes; c++) {
        var cell = cells[r][c], value = counts[r][c];
        cell.textContent = value ? String(value) : "";
        cell.setAttribute("data-count", String(value));
        cell.className = (r === c ? "rd-diag" : "") + (value ? (r === c ? " rd-hit" : " rd-miss") : "");
      }
      var shown = room && typeof room.count === "number" && !presenter ? room.count : n;
      countEl.textContent = String(shown);
      rightEl.textContent = n ? right + " of " + n + " read right (" + Math.round(100 * right / n) + "%)" : "";
      rightEl.setAttribute("data-right", String(right));

      var odd = digits.filter(function (d) { return d.read !== d.label; })
        .sort(function (a, b) { return a.meantP - b.meantP; }).slice(0, ODD);
      oddBox.textContent = "";
      if (!odd.length) oddBox.appendChild(el("p", { class: "demo-muted", text: n ? "none yet" : "" }));
      odd.forEach(function (d) { oddBox.appendChild(tile(d, true)); });

      recentBox.textContent = "";
      for (i = digits.length - 1; i >= 0 && i >= digits.length - RECENT; i--) {
        recentBox.appendChild(tile(digits[i], false));
        digits[i].fresh = false;
      }
      if (room) {
        statusEl.textContent = room.frozen ? "room paused" : room.open ? "room open" : "room full";
        statusEl.setAttribute("data-state", room.frozen ? "paused" : room.open ? "open" : "full");
        freezeBtn.textContent = room.frozen ? "Open room" : "Pause room";
      }
      if (!cfg) note.textContent = "With build.py --present, the room's digits arrive here.";
      else if (!presenter) note.textContent = "The drawings are on the big screen.";
      else note.textContent = digits.length ? "" : "Phones join at " + cfg.audience;
      clearBtn.textContent = armed === "clear" ? "Sure? Click" : "Clear room";
    }

    function arm(what) {
      armed = what;
      clearTimeout(armedTimer);
      armedTimer = setTimeout(function () { armed = null; dirty = true; ctx.requestFrame(); }, ARM_MS);
      dirty = true;
      ctx.requestFrame();
    }

    function act(body) {
      return window.DeckPresent && window.DeckPresent.post ? window.DeckPresent.post("room", body) : null;
    }

    function hideClicked(id) {
      if (armed !== id) { arm(id); return; }
      armed = null;
      act({ action: "hide", id: id });
    }

    clearBtn.addEventListener("click", function () {
      if (armed !== "clear") { arm("clear"); return; }
      armed = null;
      act({ action: "clear" });
    });
    freezeBtn.addEventListener("click", function () {
      act({ action: room && room.frozen ? "open" : "freeze" });
    });

    // ---- feeds ------------------------------------------------------------------------
    function parse(e) { try { return JSON.parse(e.data); } catch (err) { return null; } }
    function changed() { dirty = true; ctx.requestFrame(); }

    if (presenter && window.EventSource) {
      source = new window.EventSource("/__present__/room?token=" + encodeURIComponent(cfg.token));
      source.addEventListener("reset", function () { digits = []; byId = {}; changed(); });
      source.addEventListener("digit", function (e) { var d = parse(e); if (d) { add(d); changed(); } });
      source.addEventListener("hide", function (e) { var d = parse(e); if (d) { remove(d.id); changed(); } });
      source.addEventListener("state", function (e) { var s = parse(e); if (s) { room = s; changed(); } });
    } else {
      window.addEventListener("deckpresent:state", function (e) { room = e.detail; changed(); });
    }
    ctx.root.setAttribute("data-feed", presenter ? "presenter" : cfg ? "audience" : "none");
    if (!presenter) ctx.body.classList.add("rd-audience");

    return {
      reset: function () { armed = null; changed(); },
      resume: function () { changed(); },
      frame: function () { if (dirty) render(); return false; }
    };
  }

  window.Demos.register("room-digits", factory);
})();
