"""One rule for every file whisper-tui writes: symlinks written through, FIFOs and the like
refused, replaced atomically next to the file really written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from whisper_tui.core.config import load_config, save_setting
from whisper_tui.core.file_targets import (
    NotAFile,
    check_replaceable,
    file_replacing,
    write_target,
)
from whisper_tui.core.har import load_har, save_har
from whisper_tui.core.models import CapturedRequest


def capture(target: str) -> CapturedRequest:
    headers = ((b"Host", b"h"), (b"Content-Type", b"text/plain"))
    return CapturedRequest(1, 1.0, "127.0.0.1", "POST", target, (1, 1), headers, b"hello")


def test_a_fifo_is_refused_and_left_a_fifo(tmp_path):
    fifo = tmp_path / "fifo.har"
    os.mkfifo(fifo)
    with pytest.raises(NotAFile) as refused:
        write_target(fifo)
    assert str(refused.value) == "it is a FIFO (named pipe), not a regular file"
    with pytest.raises(NotAFile):
        check_replaceable(fifo)
    with pytest.raises(NotAFile), file_replacing(fifo):
        pass
    assert fifo.is_fifo()
    assert os.listdir(tmp_path) == ["fifo.har"]  # no temporary file left


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(NotAFile, match=r"^it is a directory, not a regular file$"):
        check_replaceable(tmp_path)


def test_a_link_to_a_fifo_says_where_it_leads(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "link.har").symlink_to(tmp_path / "fifo")
    with pytest.raises(NotAFile) as refused:
        write_target(tmp_path / "link.har")
    assert str(refused.value) == (
        f"it is a FIFO (named pipe), not a regular file ({tmp_path / 'link.har'} links to "
        f"{tmp_path / 'fifo'})"
    )


def test_a_save_through_a_symlink_keeps_the_link_and_writes_the_file_it_names(tmp_path):
    elsewhere = tmp_path / "real"
    elsewhere.mkdir()
    real = elsewhere / "real.har"
    real.write_bytes(b"")
    link = tmp_path / "link.har"
    link.symlink_to(real)
    save_har(link, [capture("/through")], "http://127.0.0.1:8080")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert [r.target for r in load_har(real)] == ["/through"]
    # The temporary file was made (and renamed) in the real file's directory.
    assert sorted(os.listdir(tmp_path)) == ["link.har", "real"]
    assert os.listdir(elsewhere) == ["real.har"]


def test_a_dangling_link_is_written_through_creating_the_file_it_names(tmp_path):
    link = tmp_path / "link.har"
    link.symlink_to(tmp_path / "later.har")
    save_har(link, [capture("/made")], "http://127.0.0.1:8080")
    assert link.is_symlink()
    assert [r.target for r in load_har(tmp_path / "later.har")] == ["/made"]


def test_config_write_back_keeps_a_linked_config_linked(tmp_path):
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "whisper.toml"
    real.write_text("wrap = true\n")
    config = tmp_path / "config.toml"
    config.symlink_to(real)
    save_setting("theme", "nord", config)
    assert config.is_symlink()
    assert load_config(real) == {"wrap": True, "theme": "nord"}


def test_config_write_back_refuses_a_fifo_without_reading_it(tmp_path):
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)  # reading it would wait for a writer forever
    with pytest.raises(NotAFile):
        save_setting("theme", "nord", fifo)
    assert fifo.is_fifo()


def test_check_replaceable_leaves_the_directory_as_it_was(tmp_path):
    (tmp_path / "kept.txt").write_text("x")
    check_replaceable(tmp_path / "out.har")
    assert [p.name for p in tmp_path.iterdir()] == ["kept.txt"]


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc")
def test_check_replaceable_raises_what_a_save_there_would():
    with pytest.raises(OSError) as checked:
        check_replaceable("/proc/x.har")
    with pytest.raises(OSError) as saved:
        save_har("/proc/x.har", [], "http://127.0.0.1:8080")
    assert checked.value.errno == saved.value.errno


def test_a_path_that_is_not_there_is_its_absolute_self(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert write_target("new.har") == str(Path(tmp_path).resolve() / "new.har")


def test_a_symlink_loop_is_refused_and_left_a_link(tmp_path):
    loop = tmp_path / "loop.har"
    loop.symlink_to(loop.name)  # ln -s loop.har loop.har
    with pytest.raises(NotAFile, match=r"^it is a symlink loop, not a regular file"):
        check_replaceable(loop)
    with pytest.raises(NotAFile), file_replacing(loop):
        pass
    assert loop.is_symlink()
