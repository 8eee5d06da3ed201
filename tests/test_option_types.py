"""What an option is: its default from Settings, and a config value checked by TOML type first."""

from __future__ import annotations

import pytest

from whisper_tui.option_types import Option, as_text, toml_name


def port_option() -> Option:
    return Option("port", "port", flag="--port", parse=int, config_key="port", config_types=(int,))


def test_a_config_value_of_another_toml_type_is_refused_naming_both():
    with pytest.raises(ValueError, match=r"^expected an integer, got a string$"):
        port_option().from_config("9000")
    # TOML's true is an int to isinstance: only where a bool is expected is it one.
    with pytest.raises(ValueError, match=r"^expected an integer, got true or false$"):
        port_option().from_config(True)
    assert port_option().from_config(9000) == 9000


def test_a_list_value_is_read_item_by_item_with_the_flags_parser():
    rules = Option(
        "rules", "rules", flag="--respond", parse=str.upper, config_types=(list,), action="append"
    )
    assert rules.from_config(["a", "b"]) == ("A", "B")
    with pytest.raises(ValueError, match="every entry must be a string"):
        rules.from_config(["a", 1])


def test_an_option_names_itself_by_flag_else_by_config_key_and_defaults_from_settings():
    assert port_option().name == "--port"
    theme = Option("theme", lambda: "a theme", config_key="theme")
    assert (theme.name, theme.help_text(), theme.parse) == ("theme", "a theme", as_text)
    assert (port_option().default, theme.default) == (8080, None)


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("x", "a string"),
        (1, "an integer"),
        (1.5, "a number"),
        (False, "true or false"),
        ([], "a list"),
        ({}, "a table"),
        (None, "NoneType"),
    ],
)
def test_toml_names_say_what_a_toml_reader_would_call_the_value(value, name):
    assert toml_name(value) == name


def test_a_file_value_naming_a_file_is_read_with_the_files_directory(tmp_path):
    seen: list[tuple[str, object]] = []

    def beside(text: str, directory: object) -> str:
        seen.append((text, directory))
        return text

    rules = Option(
        "rules", "r", parse=str.upper, parse_in_file=beside, config_types=(list,), action="append"
    )
    assert rules.from_config(["a"], tmp_path) == ("a",)
    assert seen == [("a", tmp_path)]
    assert rules.parse("a") == "A"  # a flag's text keeps the plain parser
