"""Human sizes: '32MiB' read from a flag or config.toml, '1.2 KB' shown in a list."""

from __future__ import annotations

import pytest

from whisper_tui.core.sizes import byte_count, format_size, parse_size


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("0", 0),
        ("100", 100),
        ("100B", 100),
        ("512KiB", 512 * 1024),
        ("32MiB", 32 * 1024 * 1024),
        ("32mib", 32 * 1024 * 1024),
        ("1GiB", 1024**3),
        ("1.5 KB", 1500),
        ("2k", 2000),
        ("3M", 3_000_000),
        ("1GB", 1_000_000_000),
        (" 7 MB ", 7_000_000),
    ],
)
def test_parse_size_reads_decimal_and_binary_units(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "lots", "-1MiB", "1 parsec", "1.5.2KB", "MiB", "1e6"])
def test_parse_size_refuses_anything_else_with_examples(text):
    with pytest.raises(ValueError, match=r"not a size: .* \(use e\.g\. 512KiB, 32MiB, 1GB\)"):
        parse_size(text)


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 B"),
        (999, "999 B"),
        (1000, "1.0 KB"),
        (3400, "3.4 KB"),
        (5_000_000, "5.0 MB"),
        (999_949_999, "999.9 MB"),
        (2_500_000_000, "2.5 GB"),
        (7_000_000_000_000, "7000.0 GB"),
    ],
)
def test_format_size_is_short_and_decimal(size, text):
    assert format_size(size) == text


@pytest.mark.parametrize(("count", "said"), [(0, "0 bytes"), (1, "1 byte"), (2, "2 bytes")])
def test_an_exact_size_in_words_is_singular_for_one_byte(count, said):
    # The export said '1 bytes ready'.
    assert byte_count(count) == said
    assert byte_count(12_345) == "12,345 bytes"
