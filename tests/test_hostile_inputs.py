"""Hostile inputs: one clear line for the bad input, every good document of its batch kept.

Every input is generated here. Most tests run the command in-process (typer's CliRunner:
spaCy loads once); those about processes, signals, pipes and the file system's special
files run ``python -m claimscope`` as a real subprocess on this checkout's code.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from claimscope.adapters.cli import EXIT_BROKEN_PIPE, EXIT_TERMINATED, app
from claimscope.adapters.report.markdown import escape_markdown
from tests.conftest import EXAMPLE, cli_command, cli_environment, run_cli

# Stages that tests about input and output need not wait for.
FAST = ("--disable", "techniques", "--disable", "claims")
GOOD = "LONDON, March 3 (Reuters) - The minister said prices rose 3 percent in May."


def invoke(*args: str) -> Result:
    """``claimscope ARGS`` in this process; an unexpected exception fails the test."""
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def sources(jsonl: str) -> list[str]:
    return [json.loads(line)["document"]["source"] for line in jsonl.splitlines()]


def jsonl_file(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def assert_one_line_each(stderr: str) -> None:
    for line in stderr.splitlines():
        assert line.startswith(("claimscope: ", "wrote ")), line


# 1. JSON records


def test_json_nested_a_thousand_levels_deep_is_one_error_for_its_record(tmp_path: Path) -> None:
    deep = "[" * 1000 + "]" * 1000
    batch = jsonl_file(
        tmp_path / "batch.jsonl",
        [
            json.dumps({"text": GOOD}),
            deep,
            '{"text": "Deep in a field.", "extra": ' + deep + "}",
            json.dumps({"text": "Fourth story."}),
        ],
    )
    result = invoke("analyze", str(batch), "--format", "jsonl", *FAST)
    assert result.exit_code == 2
    assert sources(result.stdout) == [f"{batch}#1", f"{batch}#4"]
    problem = "malformed JSON: nested too deeply to read"
    assert f"claimscope: skipped {batch}#2: {problem}" in result.stderr.splitlines()
    assert f"claimscope: skipped {batch}#3: {problem}" in result.stderr.splitlines()
    assert_one_line_each(result.stderr)

    single = tmp_path / "deep.json"
    single.write_text(deep, encoding="utf-8")
    result = invoke("analyze", str(single), *FAST)
    assert result.exit_code == 2
    assert result.stderr == f"claimscope: error: {single}: {problem}\n"


def test_integer_of_5000_digits_is_ignored_where_unread_and_rejected_as_text(
    tmp_path: Path,
) -> None:
    digits = "9" * 5000
    batch = jsonl_file(
        tmp_path / "batch.jsonl",
        [
            '{"text": "A story with a long id.", "id": ' + digits + "}",
            '{"text": ' + digits + "}",
            json.dumps({"text": GOOD}),
        ],
    )
    result = invoke("analyze", str(batch), "--format", "jsonl", *FAST)
    assert result.exit_code == 2
    assert sources(result.stdout) == [f"{batch}#1", f"{batch}#3"]
    assert result.stderr.splitlines()[0] == (
        f"claimscope: skipped {batch}#2: malformed record: field 'text' missing or not a string"
    )


def test_lone_surrogates_in_record_fields_become_replacement_characters(tmp_path: Path) -> None:
    # json.dumps writes a lone surrogate as the escape "\ud800", as a hostile file would.
    batch = jsonl_file(
        tmp_path / "batch.jsonl",
        [
            json.dumps({"text": "Broken \ud800 text."}),
            json.dumps({"text": GOOD, "title": "Title \udc00", "outlet": "Out\udfff"}),
        ],
    )
    result = invoke("analyze", str(batch), "--format", "jsonl", *FAST)
    assert result.exit_code == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["document"]["text"] == "Broken \ufffd text."
    assert second["document"]["title"] == "Title \ufffd"
    assert second["document"]["outlet"] == "Out\ufffd"
    assert result.stderr.splitlines() == [
        f"claimscope: warning: {batch}#1: lone surrogate escapes replaced with U+FFFD in "
        "field(s) 'text'",
        f"claimscope: warning: {batch}#2: lone surrogate escapes replaced with U+FFFD in "
        "field(s) 'title', 'outlet'",
    ]


# 2. Options and output streams


def test_max_chars_beyond_any_buffer_size_is_accepted(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text(GOOD, encoding="utf-8")
    result = invoke(
        "analyze", str(story), "--format", "json", "--max-chars", "2305843009213693952", *FAST
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["document"]["text"] == GOOD


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_to_a_full_device_is_one_line_error(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text(GOOD, encoding="utf-8")
    result = invoke("analyze", str(story), "--out", "/dev/full", *FAST)
    assert result.exit_code == 2
    assert result.stderr.startswith("claimscope: error: /dev/full: cannot write: ")
    assert result.stderr.count("\n") == 1

    with open("/dev/full", "wb") as full:
        completed = subprocess.run(
            cli_command("analyze", str(story), "--format", "json", *FAST),
            stdout=full,
            stderr=subprocess.PIPE,
            env=cli_environment(),
            timeout=300,
            check=False,
        )
    assert completed.returncode == 2
    message = completed.stderr.decode()
    assert message.startswith("claimscope: error: standard output: cannot write: ")
    assert message.count("\n") == 1


def test_reader_closing_the_pipe_ends_the_run_quietly(tmp_path: Path) -> None:
    # `claimscope analyze … | head -c 10` with the reader gone before the first write,
    # so that the write fails whatever the size of the output.
    process = subprocess.Popen(
        cli_command("analyze", str(EXAMPLE), "--format", "json", *FAST),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_environment(),
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=300) == EXIT_BROKEN_PIPE
    assert stderr == b""


# 3. Encodings and HTML


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_byte_order_mark_is_decoded(tmp_path: Path, encoding: str) -> None:
    story = tmp_path / "story.txt"
    story.write_bytes(GOOD.encode(encoding))
    result = invoke("analyze", str(story), "--format", "json", *FAST)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["document"]["text"] == GOOD


def test_a_few_invalid_utf8_bytes_are_replaced_not_read_as_another_code_page(
    tmp_path: Path,
) -> None:
    story = tmp_path / "story.txt"
    story.write_bytes("The café in Zürich served crème brûlée".encode() + b"\xff, officials said.")
    result = invoke("analyze", str(story), "--format", "json", *FAST)
    assert result.exit_code == 0, result.stderr
    dossier = json.loads(result.stdout)
    assert (
        dossier["document"]["text"]
        == "The café in Zürich served crème brûlée\ufffd, officials said."
    )
    # The repair is in the dossier as well as on standard error.
    assert {
        "stage": "ingestion",
        "message": "1 invalid UTF-8 byte sequence(s) replaced with U+FFFD while decoding",
        "start": None,
        "end": None,
    } in dossier["warnings"]
    assert result.stderr == (
        f"claimscope: warning: {story}: 1 invalid UTF-8 byte sequence(s) replaced with "
        "U+FFFD while decoding\n"
    )


def test_text_nested_past_the_html_parsers_depth_limits_comes_through(tmp_path: Path) -> None:
    sentence = "The minister said on Tuesday that prices rose 3 percent in May."
    for depth in (300, 3000):
        (tmp_path / f"deep{depth}.html").write_text(
            "<html><head><title>Deep page</title></head><body>"
            + "<div>" * depth
            + f"<p>{sentence}</p><p>Officials said the figures were final.</p>"
            + "</div>" * depth
            + "</body></html>",
            encoding="utf-8",
        )
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    result = invoke("analyze", str(tmp_path), "--format", "jsonl", *FAST)
    assert result.exit_code == 0, result.stderr
    dossiers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(d["document"]["source"]).name for d in dossiers] == [
        "deep300.html",
        "deep3000.html",
        "good.txt",
    ]
    assert all(sentence in d["document"]["text"] for d in dossiers[:2])
    assert len(result.stderr.splitlines()) == 2
    assert all(line.startswith("claimscope: warning: ") for line in result.stderr.splitlines())


# 4. The file system


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and symbolic links")
def test_special_files_in_a_directory_are_reported_without_blocking(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(GOOD, encoding="utf-8")
    (folder / "sub" / "b.txt").write_text("Second story, by the minister.", encoding="utf-8")
    os.mkfifo(folder / "fifo.txt")
    (folder / "device.txt").symlink_to(os.devnull)
    (folder / "dangling.txt").symlink_to(folder / "missing.txt")
    (folder / "loop1.txt").symlink_to(folder / "loop2.txt")
    (folder / "loop2.txt").symlink_to(folder / "loop1.txt")
    (folder / "sub" / "up").symlink_to(folder)
    # A FIFO opened for reading waits for a writer: the timeout is the test's guard.
    completed = run_cli("analyze", str(folder), "--format", "jsonl", *FAST, timeout=120)
    assert completed.returncode == 2
    assert sources(completed.stdout.decode()) == [
        str(folder / "a.txt"),
        str(folder / "sub" / "b.txt"),
    ]
    assert completed.stderr.decode().splitlines() == [
        f"claimscope: skipped {folder / 'dangling.txt'}: dangling symbolic link",
        f"claimscope: skipped {folder / 'device.txt'}: not a regular file: a character device",
        f"claimscope: skipped {folder / 'fifo.txt'}: not a regular file: a FIFO",
        f"claimscope: skipped {folder / 'loop1.txt'}: symbolic link loop",
        f"claimscope: skipped {folder / 'loop2.txt'}: symbolic link loop",
        f"claimscope: skipped {folder / 'sub' / 'up'}: directory already read as {folder}: "
        "a symbolic link leads back to it",
        "claimscope: 6 input(s) skipped, 2 analysed",
    ]


# 5. Interruption loses nothing


def partial_files(folder: Path) -> list[str]:
    return [path.name for path in folder.iterdir() if path.name.endswith(".partial")]


def test_a_batch_with_nothing_to_write_leaves_out_file_untouched(tmp_path: Path) -> None:
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "empty.txt").write_bytes(b"")
    (tmp_path / "bad" / "binary.txt").write_bytes(b"\x00\x01\x02")
    existing = tmp_path / "existing.jsonl"
    existing.write_text("previous output\n", encoding="utf-8")
    missing = tmp_path / "missing.jsonl"
    for out in (existing, missing):
        result = invoke("analyze", str(tmp_path / "bad"), "--out", str(out), *FAST)
        assert result.exit_code == 2
        assert "claimscope: error: no document could be analysed" in result.stderr
    assert existing.read_text(encoding="utf-8") == "previous output\n"
    assert not missing.exists()
    assert partial_files(tmp_path) == []


def test_out_file_is_replaced_whole_at_the_end_keeping_its_mode(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "dossier.json"
    out.write_text("previous output\n", encoding="utf-8")
    out.chmod(0o640)
    result = invoke("analyze", str(story), "--out", str(out), *FAST)
    assert result.exit_code == 0, result.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["document"]["text"] == GOOD
    assert out.stat().st_mode & 0o777 == 0o640
    assert partial_files(tmp_path) == []


def _sigint_at_default() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def children(pid: int) -> list[int]:
    listing = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in listing.read_text().split()] if listing.exists() else []


def running(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    # A zombie has ended; only its parent's wait is missing.
    return stat.exists() and stat.read_text().rsplit(")", 1)[-1].split()[0] != "Z"


@pytest.mark.skipif(
    not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(),
    reason="needs Linux's /proc to see worker processes",
)
@pytest.mark.parametrize(
    ("signal_number", "exit_status"),
    [(signal.SIGTERM, EXIT_TERMINATED), (signal.SIGINT, 128 + signal.SIGINT)],
)
def test_a_signal_stops_the_workers_and_keeps_out_file(
    tmp_path: Path, signal_number: int, exit_status: int
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    for number in range(40):
        (folder / f"story{number:02}.txt").write_text(EXAMPLE.read_text(encoding="utf-8"))
    out = tmp_path / "out.jsonl"
    out.write_text("previous output\n", encoding="utf-8")
    process = subprocess.Popen(
        cli_command("analyze", str(folder), "--workers", "2", "--out", str(out)),
        stderr=subprocess.PIPE,
        env=cli_environment(),
        # Its own process group, as a shell gives a job: Ctrl-C reaches the whole group.
        start_new_session=True,
        # A suite started in the background by a script inherits SIGINT ignored (POSIX
        # shells ignore it for asynchronous commands), and Python keeps it ignored; a
        # command run from a terminal has it at its default, which this test is about.
        preexec_fn=_sigint_at_default,
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 120
    while len(workers := children(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(workers) == 2, "the worker processes did not start"
    if signal_number == signal.SIGINT:
        os.killpg(process.pid, signal_number)
    else:
        process.send_signal(signal_number)
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == exit_status
    assert "Traceback" not in stderr, stderr
    deadline = time.monotonic() + 10
    while any(running(worker) for worker in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(running(worker) for worker in workers), "orphaned worker processes"
    assert out.read_text(encoding="utf-8") == "previous output\n"
    assert partial_files(tmp_path) == []


# 6. Control characters and links


def test_control_characters_never_reach_the_terminal_raw(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text(
        "Prices [/up] \x1b[31mred\x1b[0m \x1b]0;title\x07 and \x9b2J here\n\n" + GOOD + "\n",
        encoding="utf-8",
    )
    empty = tmp_path / "empty\x1b[2J.txt"
    empty.write_bytes(b"")

    def raw_controls(text: str) -> list[str]:
        return [c for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0]

    text = invoke("analyze", str(story), "--format", "text", *FAST)
    assert text.exit_code == 0, text.stderr
    assert raw_controls(text.stdout) == []
    assert "\\u001b[31mred" in text.stdout and "Prices [/up]" in text.stdout

    out = tmp_path / "out.jsonl"
    batch = invoke("analyze", str(story), str(empty), "--out", str(out), *FAST)
    assert batch.exit_code == 2
    assert raw_controls(batch.stderr) == []
    lines = batch.stderr.splitlines()
    assert lines[0] == f"claimscope: skipped {tmp_path}/empty\\u001b[2J.txt: empty input"
    assert lines[1].startswith(f"{story}: Prices [/up] \\u001b[31mred\\u001b[0m")
    # The dossier itself keeps the document's text as it is.
    assert "\x1b[31m" in json.loads(out.read_text(encoding="utf-8"))["document"]["text"]


def test_markdown_leaves_no_bare_url_to_autolink(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text(
        "Visit https://example.com/a_b or www.example.org now\n\n"
        "LONDON - The minister said at https://gov.example/page that prices rose, and "
        "wrote to press@example.com about it.\n",
        encoding="utf-8",
    )
    result = invoke("analyze", str(story), "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    report = result.stdout
    for link in ("https://example.com/a_b", "www.example.org", "https://gov.example/page"):
        assert f"`{link}`" in report
    assert "`press@example.com`" in report
    linkable = [word for word in report.split() if any(m in word for m in ("://", "www.", "@"))]
    assert all(word.startswith("`") for word in linkable), linkable
    assert escape_markdown("see https://x.example|y and `a` www.b.c") == (
        "see `https://x.example\\|y` and \\`a\\` `www.b.c`"
    )
    assert escape_markdown("code ``https://x.example``") == "code ``` ``https://x.example`` ```"


def test_python_runs_this_checkout() -> None:
    # The subprocess tests above are only worth anything on this worktree's code.
    completed = subprocess.run(
        [sys.executable, "-c", "import claimscope; print(claimscope.__file__)"],
        capture_output=True,
        env=cli_environment(),
        check=True,
    )
    assert completed.stdout.decode().strip().startswith(str(Path(__file__).parent.parent))


def test_a_spent_time_budget_skips_stages_but_writes_the_dossier() -> None:
    result = invoke("analyze", str(EXAMPLE), "--format", "json", "--max-seconds", "0.001")
    assert result.exit_code == 0, result.stderr
    dossier = json.loads(result.stdout)
    budget = [warning for warning in dossier["warnings"] if warning["stage"] == "pipeline"]
    assert len(budget) == 1
    assert "stages skipped: anatomy, statements" in budget[0]["message"]
    assert dossier["document"]["text"] and dossier["claims"] == []


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (("--max-seconds", "0"), "--max-seconds"),
        (("--disable", "nonesuch"), "unknown stage(s): nonesuch"),
    ],
)
def test_bad_settings_are_one_error(option: tuple[str, str], message: str) -> None:
    result = CliRunner().invoke(app, ["analyze", str(EXAMPLE), *option])
    assert result.exit_code == 2
    assert message in result.stderr
