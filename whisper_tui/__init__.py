"""whisper-tui: a webhook inspector that lives in the terminal."""

__version__ = "0.1.0"
