/*
 * Roll two dice and count the sums: a small live demo to start from.
 * Demos.register(name, factory): the factory builds the demo inside ctx.body
 * and may return reset(), pause(), resume() and frame(dt).
 */
(function () {
  "use strict";

  window.Demos.register("dice", function (ctx) {
    var counts = new Array(13).fill(0);
    var rolls = 0;
    var canvas = ctx.el("canvas");
    var label = ctx.el("p", { "data-role": "rolls", text: "No rolls yet" });
    var roll = ctx.el("button", { type: "button", "data-role": "roll", text: "Roll 10 times" });
    ctx.body.appendChild(ctx.el("div", { class: "dice-demo" }, [canvas, label, roll]));
    var view = ctx.setupCanvas(canvas, 760, 340);

    function draw() {
      var g = view.ctx, w = view.width, h = view.height;
      g.clearRect(0, 0, w, h);
      var top = Math.max(1, Math.max.apply(null, counts));
      var bar = w / 11;
      g.font = "24px sans-serif";
      g.textAlign = "center";
      for (var s = 2; s <= 12; s++) {
        var x = (s - 2) * bar;
        var height = (h - 40) * counts[s] / top;
        g.fillStyle = "#ffd23f";
        g.fillRect(x + 6, h - 32 - height, bar - 12, height);
        g.fillStyle = "#ffffff";
        g.fillText(String(s), x + bar / 2, h - 6);
      }
      label.textContent = rolls ? rolls + " rolls" : "No rolls yet";
    }

    function die() { return 1 + Math.floor(Math.random() * 6); }

    roll.addEventListener("click", function () {
      for (var i = 0; i < 10; i++) {
        counts[die() + die()]++;
        rolls++;
      }
      draw();
    });
    draw();
    return {
      reset: function () { counts.fill(0); rolls = 0; draw(); }
    };
  });
})();
