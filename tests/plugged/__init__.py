"""A tiny app that plugs into the portal the way docs/apps.md says, from its own folder only.

An organisation's notices: a manager posts one, the organisation reads it. It
brings an event verb and its kind (so the feed, the notifications and the
preferences matrix grow by themselves), a navigation entry, a dashboard panel,
a demo step, a beat job, its scoping-harness cases and its own translations.
tests/plugged/test_plugged.py installs it next to the real apps and proves each
plug-in point; nothing outside this folder names it.
"""
