"""`make load`: the portal under a bounded load of clients and agents (docs/operating.md)."""
