"""The reusable contract suite (built in its own issue)."""
