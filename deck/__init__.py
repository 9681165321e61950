"""The deck pipeline: Markdown and YAML sources to an offline reveal.js deck."""
