"""whisper-tui's tests (a package, so `tests.helpers` is ours even when another installed
distribution ships a top-level `tests` package, as paddle-python-sdk does)."""
