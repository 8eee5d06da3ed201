"""The Textual layer: a thin UI over whisper_tui.core."""
