"""Date formats where Django's own fall short for our readers (FORMAT_MODULE_PATH).

Only locales that need a change have a module; everything else, and every format
a module leaves out, comes from Django's. Which locale a reader gets is decided in
core.i18n.
"""
