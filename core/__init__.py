"""The bottom layer: plain helpers every app shares (healthchecks' hc/lib).

It imports nothing from the project's apps; it takes whatever object it needs
by its attributes (a reader with `language` and `timezone`, a request with `htmx`).
"""
