"""How long one full redraw of the draw-a-digit demo takes in headless Chromium.

A full redraw is what happens on every pointer move while the speaker draws:
read the pad, MNIST-style preprocessing, the forward pass, and rendering every
layer, the connections and the output bars. The target is one 60 Hz frame
(16 ms). Prints the median and 95th percentile, and how many of 2,000 MNIST
test digits drawn large on the pad the demo's own preprocessor and network read
right (target 95 %, beside the network's test accuracy); never asserts.

    python benchmarks/bench_demos.py            # builds the default deck into a temp folder
    python benchmarks/bench_demos.py --deck output   # uses an already built deck
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
from deck.errors import DeckError  # noqa: E402
from deck.pdf import chromium  # noqa: E402  (the product's own Chromium launch)

TARGET_MS = 16.0
PREPROCESSED = 2000  # MNIST test digits drawn large and read back through the demo's own preprocessor
PREPROCESSED_TARGET = 0.95

READ_BACK = """([b64, n, pad]) => {
  // each 28x28 digit scaled up 10x onto the pad, as if drawn, then the demo's pipeline
  const raw = Uint8Array.from(atob(b64), c => c.charCodeAt(0)), k = pad / 28;
  const net = Demos.trainedNetwork(), pre = new Demos.Preprocessor(pad, pad), src = new Float32Array(pad * pad), out = [];
  for (let d = 0; d < n; d++) {
    for (let y = 0; y < pad; y++) for (let x = 0; x < pad; x++)
      src[y * pad + x] = raw[d * 784 + Math.floor(y / k) * 28 + Math.floor(x / k)] / 255;
    out.push(net.predict(pre.run(src).image));
  }
  return out;
}"""


def build(out: Path) -> None:
    result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "--out", str(out), "--quiet"], cwd=PROJECT,
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"build failed: {result.stderr.strip()}")


def measure(deck: Path, redraws: int, warmup: int) -> list[float]:
    with chromium(deck / "index.html") as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto((deck / "index.html").resolve().as_uri())
        page.wait_for_function("() => window.Reveal && Reveal.isReady() && window.Demos && Demos.get('draw-digit')")
        page.evaluate("""() => { const s = document.querySelector('[data-demo="draw-digit"]').closest('section');
                                 const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v); }""")
        page.wait_for_timeout(1000)
        pad = page.locator('[data-demo="draw-digit"] [data-role=pad]').bounding_box()
        cx, cy = pad["x"] + pad["width"] / 2, pad["y"] + pad["height"] / 2
        page.mouse.move(cx, cy - 0.33 * pad["height"])
        page.mouse.down()
        for i in range(1, 41):  # a "0": plenty of ink for the preprocessing to chew on
            a = 2 * math.pi * i / 40
            page.mouse.move(cx + 0.22 * pad["width"] * math.sin(a), cy - 0.33 * pad["height"] * math.cos(a))
        page.mouse.up()
        times = page.evaluate(
            """([n, warm]) => {
                 const impl = Demos.get('draw-digit').impl, out = [];
                 // Canvas commands are recorded lazily; reading a pixel back forces the
                 // network view to be rasterised inside the timed region.
                 const view = document.querySelector('[data-demo="draw-digit"] [data-role=network]').getContext('2d');
                 const full = () => { impl.redraw(); view.getImageData(0, 0, 1, 1); };
                 for (let i = 0; i < warm; i++) full();
                 for (let i = 0; i < n; i++) {
                   const t0 = performance.now();
                   full();
                   out.push(performance.now() - t0);
                 }
                 return out;
               }""",
            [redraws, warmup],
        )
        prediction = page.locator('[data-demo="draw-digit"] [data-role=prediction]').text_content()
    print(f"(the drawn '0' was classified as {prediction})")
    return times


def preprocessed_accuracy(deck: Path, count: int) -> tuple[float, float]:
    """(accuracy on `count` scaled-up test digits through the demo's preprocessor, the network's own test accuracy)."""
    import numpy as np

    from netcore import data

    images, labels = data.load_test(None)
    images, labels = images[:count], labels[:count]
    model = json.loads((deck / "data" / "model.json").read_text())
    right = 0
    with chromium(deck / "index.html") as browser:
        page = browser.new_page()
        page.goto((deck / "index.html").resolve().as_uri())
        page.wait_for_function("() => window.Demos && Demos.get('draw-digit')")
        for start in range(0, count, 250):
            chunk = np.ascontiguousarray(images[start:start + 250], dtype=np.uint8)
            got = page.evaluate(READ_BACK, [base64.b64encode(chunk.tobytes()).decode(), len(chunk), 280])
            right += int((np.array(got) == labels[start:start + 250]).sum())
    return right / count, float(model["test_accuracy"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deck", type=Path, help="a built output folder (default: build the deck into a temp folder)")
    parser.add_argument("--redraws", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        deck = args.deck
        if deck is None:
            deck = Path(tmp) / "output"
            build(deck)
        try:
            times = sorted(measure(deck, args.redraws, args.warmup))
            read_back, own = preprocessed_accuracy(deck, PREPROCESSED)
        except DeckError as exc:  # no Chromium or Playwright: one line, not a traceback
            sys.exit(str(exc))
    p95 = times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)]
    median = statistics.median(times)
    print(f"draw-digit full redraw (read pad + preprocess + forward + render + rasterise), {len(times)} redraws, headless Chromium:")
    print(f"  median {median:7.2f} ms   p95 {p95:7.2f} ms   max {times[-1]:7.2f} ms   target < {TARGET_MS:.0f} ms"
          f"   {'OK' if p95 < TARGET_MS else 'OVER TARGET'}")
    print(f"draw-digit preprocessor on {PREPROCESSED} MNIST test digits drawn 10x large: {100 * read_back:.2f} % right"
          f"   (the network on the 28x28 originals: {100 * own:.2f} % of all test digits)"
          f"   target >= {100 * PREPROCESSED_TARGET:.0f} %   {'OK' if read_back >= PREPROCESSED_TARGET else 'UNDER TARGET'}")
    load = os.getloadavg()[0]
    print(f"  (machine load average {load:.1f} on {os.cpu_count()} cores: a loaded machine inflates the p95)")


if __name__ == "__main__":
    main()
