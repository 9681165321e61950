/*
 * The one forward pass every demo shares, so what the audience sees is the
 * same arithmetic netcore's numpy code does (checked by the parity test).
 * Weights are copied once into flat Float64Arrays and every activation buffer
 * is preallocated: a redraw allocates nothing.
 */
(function () {
  "use strict";

  var ACTIVATIONS = {
    sigmoid: function (z, out, n) {
      for (var i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-z[i]));
    },
    relu: function (z, out, n) {
      for (var i = 0; i < n; i++) out[i] = z[i] > 0 ? z[i] : 0;
    },
    softmax: function (z, out, n) {
      var m = -Infinity, i;
      for (i = 0; i < n; i++) if (z[i] > m) m = z[i];
      var s = 0;
      for (i = 0; i < n; i++) { out[i] = Math.exp(z[i] - m); s += out[i]; }
      for (i = 0; i < n; i++) out[i] /= s;
    }
  };

  /**
   * Build a network from the exported model ({layers, activations, weights
   * [out][in], biases}) or from a snapshot with the same weights/biases keys.
   */
  function Network(model, layersOverride) {
    if (!model || !model.weights || !model.biases) {
      throw new Error("Demos.Network: model needs 'weights' and 'biases' (is data/model.js loaded?)");
    }
    var nW = model.weights.length;
    var sizes = layersOverride || model.layers;
    if (!sizes) {
      sizes = [model.weights[0][0].length];
      for (var s = 0; s < nW; s++) sizes.push(model.weights[s].length);
    }
    if (sizes.length !== nW + 1) throw new Error("Demos.Network: " + sizes.length + " layer sizes for " + nW + " weight matrices");
    var acts = model.activations || [];
    this.layers = sizes.slice();
    this.activationNames = [];
    this.W = [];
    this.b = [];
    this.z = [];
    this.a = [new Float64Array(sizes[0])];
    for (var l = 0; l < nW; l++) {
      var nin = sizes[l], nout = sizes[l + 1];
      var name = acts[l] || (l === nW - 1 ? "softmax" : "sigmoid");
      if (!ACTIVATIONS[name]) throw new Error("Demos.Network: unknown activation '" + name + "'");
      this.activationNames.push(name);
      var rows = model.weights[l];
      if (rows.length !== nout || rows[0].length !== nin) {
        throw new Error("Demos.Network: weights[" + l + "] is " + rows.length + "x" + rows[0].length + ", expected " + nout + "x" + nin);
      }
      var flat = new Float64Array(nout * nin);
      for (var j = 0; j < nout; j++) {
        var row = rows[j];
        for (var k = 0; k < nin; k++) flat[j * nin + k] = row[k];
      }
      this.W.push(flat);
      this.b.push(Float64Array.from(model.biases[l]));
      this.z.push(new Float64Array(nout));
      this.a.push(new Float64Array(nout));
    }
  }

  /**
   * Run the network on one input (any array-like of length layers[0], values
   * in [0, 1]). Returns the internal activation buffers a[0..L]; a[0] is the
   * input. Buffers are reused by the next call: copy them to keep them.
   */
  Network.prototype.forward = function (input) {
    var a0 = this.a[0], n0 = this.layers[0];
    if (input.length !== n0) throw new Error("Demos.Network.forward: input has " + input.length + " values, expected " + n0);
    for (var i = 0; i < n0; i++) a0[i] = input[i];
    for (var l = 0; l < this.W.length; l++) {
      var W = this.W[l], b = this.b[l], x = this.a[l], z = this.z[l];
      var nin = this.layers[l], nout = this.layers[l + 1];
      for (var j = 0; j < nout; j++) {
        var s = b[j], off = j * nin;
        for (var k = 0; k < nin; k++) s += W[off + k] * x[k];
        z[j] = s;
      }
      ACTIVATIONS[this.activationNames[l]](z, this.a[l + 1], nout);
    }
    return this.a;
  };

  /** Index of the largest output activation. */
  Network.prototype.predict = function (input) {
    return argmax(this.forward(input)[this.layers.length - 1]);
  };

  /** Weight from neuron k of layer l to neuron j of layer l+1. */
  Network.prototype.weight = function (l, j, k) {
    return this.W[l][j * this.layers[l] + k];
  };

  function argmax(arr) {
    var best = 0;
    for (var i = 1; i < arr.length; i++) if (arr[i] > arr[best]) best = i;
    return best;
  }

  var cached = null;
  /** The network trained at build time (window.DeckData.net.model), built once. */
  function trained() {
    if (!cached) {
      var data = (window.DeckData || {}).net || {};
      if (!data.model) throw new Error("window.DeckData.net.model is missing: data/model.js was not loaded");
      cached = new Network(data.model);
    }
    return cached;
  }

  /** Normalise whatever shape netcore exported into images in [0,1] + labels. */
  function loadSamples(data) {
    var raw = data && data.samples;
    if (!raw) return { images: [], labels: [], indices: [] };
    var imgs, labels, indices;
    if (!Array.isArray(raw) && Array.isArray(raw.digits)) raw = raw.digits;   // netcore's export
    if (Array.isArray(raw)) {
      imgs = raw.map(function (r) { return r.image || r.pixels; });
      labels = raw.map(function (r) { return r.label; });
      indices = raw.map(function (r, i) { return r.index !== undefined ? r.index : i; });
    } else {
      imgs = raw.images || raw.pixels || [];
      labels = raw.labels || [];
      indices = raw.indices || raw.test_indices || imgs.map(function (_, i) { return i; });
    }
    var images = imgs.map(function (im) {
      var flat = Array.isArray(im[0]) ? [].concat.apply([], im) : im;
      var maxv = 0;
      for (var k = 0; k < flat.length; k++) if (flat[k] > maxv) maxv = flat[k];
      var scale = maxv > 1.0001 ? 1 / 255 : 1;
      var out = new Float64Array(flat.length);
      for (k = 0; k < flat.length; k++) out[k] = flat[k] * scale;
      return out;
    });
    return { images: images, labels: labels, indices: indices };
  }

  window.Demos = window.Demos || {};
  window.Demos.loadSamples = loadSamples;
  window.Demos.Network = Network;
  window.Demos.argmax = argmax;
  window.Demos.trainedNetwork = trained;
})();
