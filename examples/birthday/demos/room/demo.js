/*
 * Fill a room with random birthdays and look for a shared one. Every room is
 * tallied, so after a few clicks the share of rooms with a match approaches
 * the exact chance computed at build time (window.DeckData.bday.curve).
 */
(function () {
  "use strict";

  var COLS = 25, CELL = 32;

  window.Demos.register("room", function (ctx) {
    var data = (ctx.data.bday || {}).curve;
    if (!data) throw new Error("window.DeckData.bday.curve is missing: data/bday-curve.js was not loaded");
    var days = data.days, rows = Math.ceil(days / COLS);
    var canvas = ctx.el("canvas");
    var view = ctx.setupCanvas(canvas, COLS * CELL, rows * CELL);
    var people = ctx.slider({ min: 2, max: data.chance.length - 1, step: 1, value: ctx.options.people || 23,
      label: "people", role: "people", format: function (v) { return String(v); }, onInput: function () { rooms = 0; matches = 0; fill(); } });
    var again = ctx.el("button", { type: "button", "data-role": "fill", text: "New room" });
    var tally = ctx.el("p", { class: "room-tally", "data-role": "tally" });
    ctx.body.appendChild(ctx.el("div", { class: "room-demo" }, [
      canvas, ctx.el("div", { class: "room-controls" }, [people.element, again]), tally]));
    var rooms = 0, matches = 0, birthdays = [];

    function fill() {
      var n = people.get(), seen = {}, shared = false;
      birthdays = [];
      for (var i = 0; i < n; i++) {
        var day = Math.floor(Math.random() * days);
        if (seen[day]) shared = true;
        seen[day] = (seen[day] || 0) + 1;
        birthdays.push(day);
      }
      rooms++;
      if (shared) matches++;
      draw(seen);
      var exact = (100 * data.chance[n]).toFixed(1);
      tally.textContent = (shared ? "Shared birthday! " : "No match. ") + matches + " of " + rooms +
        " rooms matched (" + (100 * matches / rooms).toFixed(0) + "%); formula: " + exact + "%";
    }

    function draw(seen) {
      var g = view.ctx;
      g.clearRect(0, 0, view.width, view.height);
      for (var d = 0; d < days; d++) {
        var x = (d % COLS) * CELL, y = Math.floor(d / COLS) * CELL, count = seen[d] || 0;
        g.fillStyle = count > 1 ? "#ff9f1c" : count === 1 ? "#56b4e9" : "#2b2f3a";
        g.fillRect(x + 2, y + 2, CELL - 4, CELL - 4);
      }
    }

    again.addEventListener("click", fill);
    fill();
    return { reset: function () { rooms = 0; matches = 0; fill(); } };
  });
})();
