"""Training speed: our vectorised trainer against textbook per-example backpropagation.

Prints, in one run:
  1. seconds per epoch on the training images for the vectorised trainer (a full
     epoch) and for a per-example loop over the same mini-batches (a fraction of
     the epoch, extrapolated; stated in the output), and their ratio;
  2. a cold build: training plus facts, all figures and exports, with an empty cache;
  3. a warm build: produce() with everything cached (in process, and as a fresh
     `python -m netcore train` process including interpreter start-up).
Run: .venv/bin/python benchmarks/bench_training.py [--batches N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from netcore import activations, data  # noqa: E402
from netcore.artifacts import produce  # noqa: E402
from netcore.config import NetworkConfig  # noqa: E402
from netcore.network import Network  # noqa: E402
from netcore.training import sgd_epoch  # noqa: E402


def per_example_epoch(net: Network, images: np.ndarray, targets: np.ndarray, order: np.ndarray, cfg: NetworkConfig, rate: float) -> None:
    """The classic textbook loop: backpropagate one example (a column vector) at a time,
    sum the gradients over the mini-batch, then step. Same maths as netcore (cross-entropy
    with a softmax output, so the output error is a - y; ReLU hidden layers, L2 weight decay)."""
    assert cfg.cost == "cross_entropy" and cfg.hidden_activation == "relu"
    hidden = activations.get(cfg.hidden_activation)
    output = activations.get(cfg.output_activation)
    layers = len(net.weights)
    for start in range(0, len(order), cfg.batch_size):
        batch = order[start : start + cfg.batch_size]
        nabla_w = [np.zeros_like(w) for w in net.weights]
        nabla_b = [np.zeros((len(b), 1)) for b in net.biases]
        for i in batch:
            a = images[i].reshape(-1, 1) / 255.0
            y = targets[i].reshape(-1, 1)
            acts, zs = [a], []
            for l, (w, b) in enumerate(zip(net.weights, net.biases)):
                z = w @ a + b.reshape(-1, 1)
                zs.append(z)
                a = output.forward(z.T).T if l == layers - 1 else hidden.forward(z)
                acts.append(a)
            delta = acts[-1] - y
            nabla_w[-1] += delta @ acts[-2].T
            nabla_b[-1] += delta
            for l in range(layers - 2, -1, -1):
                delta = (net.weights[l + 1].T @ delta) * hidden.derivative(zs[l])
                nabla_w[l] += delta @ acts[l].T
                nabla_b[l] += delta
        n = len(batch)
        for w, b, gw, gb in zip(net.weights, net.biases, nabla_w, nabla_b):
            w *= 1.0 - rate * cfg.weight_decay  # L2 weight decay, as netcore applies it
            w -= rate / n * gw
            b -= rate / n * gb.ravel()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=150, help="mini-batches timed for the per-example loop (default: %(default)s)")
    parser.add_argument("--repeats", type=int, default=3, help="timings are the best of this many runs (default: %(default)s)")
    args = parser.parse_args()

    cfg = NetworkConfig()
    dataset = data.load(cfg.data_dir, cfg.validation_size)
    images = dataset.train_images.reshape(len(dataset.train_images), -1)
    targets = np.eye(cfg.layers[-1])[dataset.train_labels]
    order = np.random.default_rng(0).permutation(len(images))
    rate = cfg.learning_rate
    start_net = Network.initialise(list(cfg.layers), cfg.activations, np.random.default_rng(1))
    print(f"load {os.getloadavg()[0]:.2f} (1-min average, {os.cpu_count()} CPUs); network {cfg.layers}, "
          f"batch {cfg.batch_size}, {len(images)} training images, float64")

    # 1. Same mini-batches for both; first check they compute the same update.
    #    Each timing is the best of `--repeats` runs (the machine is shared).
    part = order[: args.batches * cfg.batch_size]

    def timed(step, net_order) -> tuple[float, Network]:
        best, net = float("inf"), start_net
        for _ in range(args.repeats):
            net = start_net.copy()
            t = time.perf_counter()
            step(net, net_order)
            best = min(best, time.perf_counter() - t)
        return best, net

    vectorised = lambda net, o: [None for _ in sgd_epoch(net, images, targets, o, cfg, rate)]  # noqa: E731
    textbook = lambda net, o: per_example_epoch(net, images, targets, o, cfg, rate)  # noqa: E731
    fast_part, fast = timed(vectorised, part)
    slow_part, slow = timed(textbook, part)
    agree = max(float(np.abs(a - b).max()) for a, b in zip(fast.weights, slow.weights))
    fast_epoch, _ = timed(vectorised, order)
    slow_epoch = slow_part * len(order) / len(part)
    print(f"same {args.batches} mini-batches ({len(part)} images): vectorised {fast_part:.3f} s, "
          f"per-example {slow_part:.3f} s; weights agree to {agree:.1e}")
    print(f"vectorised trainer:   {fast_epoch:7.3f} s/epoch (measured over the full epoch, best of {args.repeats})")
    print(f"per-example backprop: {slow_epoch:7.3f} s/epoch (extrapolated from {len(part)} of {len(order)} images, best of {args.repeats})")
    print(f"speed-up: {slow_epoch / fast_epoch:.1f}x (same batches: {slow_part / fast_part:.1f}x)")

    # 2 and 3. Whole builds through the public API.
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t = time.perf_counter()
        art = produce(cfg, cache_dir=tmp / "cache", out_dir=tmp / "cold", progress=False)
        cold = time.perf_counter() - t
        timings = ", ".join(f"{k} {v:.2f} s" for k, v in art.timings.items())
        print(f"cold build (train {cfg.epochs} epochs + facts + {len(art.figures)} figures + export): {cold:.2f} s "
              f"({timings}); test accuracy {art.facts['test_accuracy_percent']}")
        t = time.perf_counter()
        warm = produce(cfg, cache_dir=tmp / "cache", out_dir=tmp / "warm", progress=False)
        warm_seconds = time.perf_counter() - t
        assert not warm.trained and not warm.redrawn
        print(f"cached produce(): {warm_seconds:.3f} s in process (nothing trained or redrawn)")
        probe = ("import sys, time; t = time.perf_counter(); from pathlib import Path; "
                 "from netcore.artifacts import produce; from netcore.config import NetworkConfig; "
                 f"produce(NetworkConfig(), Path({str(tmp / 'cache')!r}), Path({str(tmp / 'probe')!r}), progress=False); "
                 "print(f'{time.perf_counter() - t:.3f} s, matplotlib imported: {\"matplotlib\" in sys.modules}')")
        result = subprocess.run([sys.executable, "-c", probe], check=True, cwd=ROOT, capture_output=True, text=True)
        print(f"cached produce() in a fresh process (imports included): {result.stdout.strip()}")
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "netcore", "train", "--cache", str(tmp / "cache"), "--out", str(tmp / "cli"),
                        "--config", str(tmp / "none.yaml"), "--quiet"], check=True, cwd=ROOT, capture_output=True)
        print(f"cached `python -m netcore train` (new process, imports included): {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
