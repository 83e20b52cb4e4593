"""The build: input formats, graph assembly, linking, export. Never imports flask."""
