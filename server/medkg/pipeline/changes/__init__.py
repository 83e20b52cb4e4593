"""What changed between two builds: concepts, provisions and cross-references, with the rules that did it."""
