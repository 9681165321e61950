/*
 * The loader of browser data: computations ship typed arrays as base64 of their
 * little-endian bytes ({"$packed": "f32" | "f16" | "u8", "shape": [...], "base64": "..."},
 * written by deck.compute.packed). DeckUnpack turns every such object inside a value
 * back into nested arrays of numbers, so a demo reads plain arrays and never sees the
 * encoding. DeckUnpack.define puts such a value on an object and decodes it the first time
 * it is read: a data script costs the page its parse only, and a demo that is never shown
 * never pays for its decoding. A classic script: a deck opened from file:// can neither
 * fetch nor import.
 */
(function () {
  "use strict";

  function bytesOf(base64) {
    var text = atob(base64), bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }

  /** IEEE 754 half precision to a number (Float16Array is not in every browser yet). */
  function fromHalf(h) {
    var sign = h & 0x8000 ? -1 : 1, exponent = (h >> 10) & 0x1f, fraction = h & 0x3ff;
    if (exponent === 0) return sign * fraction * Math.pow(2, -24);
    if (exponent === 31) return fraction ? NaN : sign * Infinity;
    return sign * (1 + fraction / 1024) * Math.pow(2, exponent - 15);
  }

  var READERS = {
    u8: function (bytes) { return bytes; },
    f32: function (bytes) { return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4); },
    f16: function (bytes) {
      var halves = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2), out = new Float64Array(halves.length);
      for (var i = 0; i < halves.length; i++) out[i] = fromHalf(halves[i]);
      return out;
    }
  };

  function nest(flat, shape, depth, offset) {
    var size = shape[depth], out = new Array(size);
    if (depth === shape.length - 1) {
      for (var i = 0; i < size; i++) out[i] = flat[offset + i];
      return out;
    }
    var stride = 1;
    for (var d = depth + 1; d < shape.length; d++) stride *= shape[d];
    for (var j = 0; j < size; j++) out[j] = nest(flat, shape, depth + 1, offset + j * stride);
    return out;
  }

  function unpack(value) {
    if (Array.isArray(value)) return value.map(unpack);
    if (value === null || typeof value !== "object") return value;
    var kind = value["$packed"];
    if (kind !== undefined) {
      var read = READERS[kind];
      if (!read) throw new Error("DeckUnpack: unknown packed type '" + kind + "'");
      var flat = read(bytesOf(value.base64));
      return value.shape.length ? nest(flat, value.shape, 0, 0) : flat[0];
    }
    var out = {};
    Object.keys(value).forEach(function (key) { out[key] = unpack(value[key]); });
    return out;
  }

  function settle(target, name, value) {
    Object.defineProperty(target, name, { value: value, writable: true, enumerable: true, configurable: true });
    return value;
  }

  /** target[name] is value decoded, decoded on its first read (and a plain property after that). */
  function define(target, name, value) {
    Object.defineProperty(target, name, {
      enumerable: true, configurable: true,
      get: function () { return settle(target, name, unpack(value)); },
      set: function (replacement) { settle(target, name, replacement); }
    });
  }

  unpack.define = define;
  window.DeckUnpack = unpack;
})();
