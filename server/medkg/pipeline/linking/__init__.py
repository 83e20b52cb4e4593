"""Cross-source link steps: run after every source is parsed (see ``steps.link_steps``)."""
