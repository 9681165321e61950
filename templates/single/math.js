/*
 * The single-file deck's math plugin: the same options as reveal.js's KaTeX plugin,
 * but KaTeX is already inlined in the page, so there is nothing to fetch.
 */
window.RevealMath = window.RevealMath || {};
window.RevealMath.KaTeX = function () {
  return {
    id: "katex",
    init: function (deck) {
      var options = Object.assign({
        delimiters: [
          {left: "$$", right: "$$", display: true},
          {left: "$", right: "$", display: false},
          {left: "\\(", right: "\\)", display: false},
          {left: "\\[", right: "\\]", display: true}
        ],
        ignoredTags: ["script", "noscript", "style", "textarea", "pre", "code"]
      }, deck.getConfig().katex || {});
      delete options.local; delete options.version; delete options.extensions;
      function render() { renderMathInElement(deck.getSlidesElement(), options); deck.layout(); }
      if (deck.isReady()) { render(); } else { deck.on("ready", render); }
    }
  };
};
