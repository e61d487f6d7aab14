"""The command line: formats, batches, and exit status 2 with one line for bad input."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, run_cli


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return run_cli(*args, stdin=stdin)


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("batch")
    (folder / "a.txt").write_text("LONDON, Feb 26 - The first story says something.\n")
    (folder / "b_empty.txt").write_bytes(b"")
    (folder / "c.jsonl").write_text(
        json.dumps({"text": "Second story.", "title": "Two"})
        + "\n{oops\n"
        + json.dumps({"text": "Third story."})
        + "\n"
    )
    (folder / "ignored.bin").write_bytes(b"\x00\x01")
    return folder


def test_single_document_json_is_one_dossier() -> None:
    result = run("analyze", str(EXAMPLE), "--format", "json")
    assert result.returncode == 0, result.stderr.decode()
    dossier = json.loads(result.stdout)
    assert dossier["schema"] == "claimscope.dossier/1"
    assert dossier["document"]["source"] == str(EXAMPLE)
    assert dossier["document"]["id"].startswith("sha256:")


def test_batch_skips_bad_records_and_keeps_good_ones(batch_dir: Path) -> None:
    result = run("analyze", str(batch_dir), "--format", "jsonl")
    assert result.returncode == 2
    lines = result.stdout.decode().splitlines()
    sources = [json.loads(line)["document"]["source"] for line in lines]
    assert sources == [
        str(batch_dir / "a.txt"),
        f"{batch_dir / 'c.jsonl'}#1",
        f"{batch_dir / 'c.jsonl'}#3",
    ]
    problems = result.stderr.decode().splitlines()
    assert any("b_empty.txt: empty input" in line for line in problems)
    assert any("c.jsonl#2: malformed JSON" in line for line in problems)


def test_stdin_is_read() -> None:
    result = run("analyze", "-", "--format", "json", stdin=b"MOSCOW, March 3 (AP) - Text.\n")
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)["document"]["source"] == "-"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "no such file or directory"),
        (b"", "empty input"),
        (b"\x00\x01\x02binary", "NUL byte"),
        (b"\xff\xfe\xfd" * 3, "undecodable"),
    ],
)
def test_bad_single_input_exits_2_with_one_line(
    tmp_path: Path, content: bytes | None, problem: str
) -> None:
    path = tmp_path / "input.txt"
    if content is not None:
        path.write_bytes(content)
    result = run("analyze", str(path))
    assert result.returncode == 2
    message = result.stderr.decode().strip()
    assert len(message.splitlines()) == 1, message
    assert str(path) in message and problem in message


def test_empty_directory_is_an_error(tmp_path: Path) -> None:
    result = run("analyze", str(tmp_path))
    assert result.returncode == 2
    assert "no supported file" in result.stderr.decode()


def test_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 1000)
    result = run("analyze", str(path), "--max-chars", "100")
    assert result.returncode == 2
    assert "too large" in result.stderr.decode()


@pytest.mark.parametrize("output_format", ["markdown", "html", "text"])
def test_report_formats_write_files(tmp_path: Path, output_format: str) -> None:
    out = tmp_path / f"report.{output_format}"
    result = run("analyze", str(EXAMPLE), "--format", output_format, "--out", str(out))
    assert result.returncode == 0, result.stderr.decode()
    assert EXAMPLE.name in out.read_text(encoding="utf-8")
    assert f"wrote {output_format} to {out}" in result.stderr.decode()


def test_batch_of_only_bad_inputs_fails(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_bytes(b"\x00\x00")
    result = run("analyze", str(tmp_path), "--format", "jsonl")
    assert result.returncode == 2
    assert result.stdout == b""
    problems = result.stderr.decode()
    assert "a.txt: empty input" in problems and "b.txt: binary content" in problems
    assert "no document could be analysed" in problems


def test_country_option_settles_unqualified_bodies_and_says_so(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text("Lawyers said the plan breaches the Constitution.\n", encoding="utf-8")
    plain = json.loads(run("analyze", str(story), "--format", "json").stdout)
    given = json.loads(run("analyze", str(story), "--format", "json", "--country", "us").stdout)
    assert [(c["issuer"], c["issuer_inferred"]) for c in plain["citations"]] == [(None, False)]
    assert [(c["issuer"], c["issuer_inferred"]) for c in given["citations"]] == [
        ("United States", True)
    ]


def test_unknown_country_option_exits_2_with_one_line(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text("A story.\n", encoding="utf-8")
    completed = run("analyze", str(story), "--country", "Narnia")
    assert completed.returncode == 2
    assert completed.stderr.decode().strip().count("\n") == 0
    assert "--country 'Narnia'" in completed.stderr.decode()


CHECKWORTHINESS_FIXTURE = Path(__file__).parent / "fixtures" / "checkworthiness"


def test_score_checkworthiness_prints_id_tab_score(tmp_path: Path) -> None:
    sentences = tmp_path / "sentences.txt"
    sentences.write_text(
        "Unemployment fell to 4.1 percent last year.\n\ns2\tThank you very much.\n",
        encoding="utf-8",
    )
    completed = run("score", "checkworthiness", str(sentences))
    assert completed.returncode == 0, completed.stderr
    rows = [line.split("\t") for line in completed.stdout.decode().splitlines()]
    # The blank line is skipped; a bare sentence is numbered by its line.
    assert [row[0] for row in rows] == ["1", "s2"]
    scores = [float(row[1]) for row in rows]
    assert all(0.0 <= score <= 1.0 for score in scores)
    assert scores[0] > scores[1]


def test_score_checkworthiness_rejects_binary_input(tmp_path: Path) -> None:
    binary = tmp_path / "data.bin"
    binary.write_bytes(b"a sentence\n\x00\x01\x02\n")
    completed = run("score", "checkworthiness", str(binary))
    assert completed.returncode == 2
    assert (
        completed.stderr.decode().strip() == f"claimscope: error: {binary}:2: binary data, not text"
    )


def test_train_checkworthiness_writes_a_loadable_artefact(tmp_path: Path) -> None:
    completed = run(
        "train", "checkworthiness", "--data", str(CHECKWORTHINESS_FIXTURE), "--out", str(tmp_path)
    )
    assert completed.returncode == 0, completed.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "checkworthiness.json",
        "checkworthiness.npz",
    ]
    assert "claimbuster_training_fit" in completed.stdout.decode()


def test_train_without_data_folder_exits_2(tmp_path: Path) -> None:
    completed = run("train", "checkworthiness", "--data", str(tmp_path / "missing"))
    assert completed.returncode == 2
    assert "data folder not found" in completed.stderr.decode()


PTC_FIXTURE = Path(__file__).parent / "fixtures" / "ptc"


def score_fixture_spans(spans: Path) -> subprocess.CompletedProcess[bytes]:
    articles = PTC_FIXTURE / "train" / "articles"
    return run("score", "techniques", "--articles", str(articles), "--spans", str(spans))


def test_score_techniques_answers_in_the_tasks_format(tmp_path: Path) -> None:
    spans = tmp_path / "spans.txt"
    spans.write_text("1\t54\t64\n\n1\t110\t130\n", encoding="utf-8")
    completed = score_fixture_spans(spans)
    assert completed.returncode == 0, completed.stderr
    rows = [line.split("\t") for line in completed.stdout.decode().splitlines()]
    labels = (Path(__file__).parent.parent / "src/claimscope/data/techniques.json").read_text()
    assert [(row[0], row[2], row[3]) for row in rows] == [("1", "54", "64"), ("1", "110", "130")]
    assert all(f'"{row[1]}"' in labels for row in rows)


def test_score_techniques_bad_line_exits_2_naming_it(tmp_path: Path) -> None:
    spans = tmp_path / "spans.txt"
    spans.write_text("1\t54\t64\n1\tfifty\t64\n", encoding="utf-8")
    completed = score_fixture_spans(spans)
    assert completed.returncode == 2
    message = completed.stderr.decode().strip()
    assert "\n" not in message and "line 2" in message


def test_score_with_embeddings_uses_the_extra_or_says_it_is_missing(tmp_path: Path) -> None:
    from claimscope.stages.claims.embeddings import embeddings_available

    sentences = tmp_path / "sentences.txt"
    sentences.write_text("Unemployment fell to 4.1 percent last year.\n", encoding="utf-8")
    completed = run("score", "checkworthiness", str(sentences), "--embeddings")
    if embeddings_available():
        assert completed.returncode == 0, completed.stderr
        identifier, score = completed.stdout.decode().strip().split("\t")
        assert identifier == "1" and 0.5 < float(score) <= 1.0
    else:
        assert completed.returncode == 2
        assert "claimscope[embeddings]" in completed.stderr.decode()


def test_train_with_embeddings_uses_the_extra_or_says_it_is_missing(tmp_path: Path) -> None:
    from claimscope.stages.claims.embeddings import embeddings_available

    completed = run(
        "train",
        "checkworthiness",
        "--data",
        str(CHECKWORTHINESS_FIXTURE),
        "--out",
        str(tmp_path),
        "--embeddings",
    )
    if embeddings_available():
        assert completed.returncode == 0, completed.stderr
        assert sorted(path.name for path in tmp_path.iterdir()) == [
            "checkworthiness_embeddings.json",
            "checkworthiness_embeddings.npz",
        ]
    else:
        assert completed.returncode == 2
        assert "claimscope[embeddings]" in completed.stderr.decode()
