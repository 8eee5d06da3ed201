"""Plain-Python core of whisper-tui: models, store, display decoding.

Nothing in this package may import Textual or Rich; `tests/test_import_hygiene.py` proves it.
"""
