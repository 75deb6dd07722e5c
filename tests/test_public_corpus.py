"""The public-corpus helper, against a local HTTP server on 127.0.0.1 (never the internet)."""

import http.server
import io
import socket
import threading
import zipfile

import pytest

from seq2seq_helpers.public_corpus import (
    TEST_NAME,
    TRAIN_NAME,
    CorpusDownloadError,
    download_public_corpus,
    main,
    split_by_source,
)

ATTRIBUTION = "CC-BY 2.0 (France) Attribution: tatoeba.org #1 (a) & #2 (b)"


def fixture_archive() -> bytes:
    lines = [f"Sentence number {i}.\tFrase número {i}.\t{ATTRIBUTION}" for i in range(40)]
    lines += [f"Sentence number 7.\tLa frase {7}.\t{ATTRIBUTION}"]  # a second translation
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("spa.txt", "\n".join(lines) + "\n")
        archive.writestr("_about.txt", "About this file.")
    return buffer.getvalue()


@pytest.fixture
def server():
    """Serves /spa-eng.zip (the fixture), /page.html (not a zip); anything else is a 404."""
    bodies = {"/spa-eng.zip": fixture_archive(), "/page.html": b"<html>Not here</html>"}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = bodies.get(self.path)
            self.send_response(200 if body else 404)
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def free_closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends: nobody listens


def read(path):
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]


def test_download_check_and_split_by_english_sentence(server, tmp_path):
    result = download_public_corpus(f"{server}/spa-eng.zip", tmp_path, test_share=0.25, seed=3)
    train, test = read(tmp_path / TRAIN_NAME), read(tmp_path / TEST_NAME)
    assert all(len(row) == 2 for row in train + test), "the attribution column is dropped"
    assert not {s.lower() for s, _ in train} & {s.lower() for s, _ in test}
    assert (result.train_pairs, result.test_pairs) == (len(train), len(test)) == (31, 10)
    assert result.english_sentences == 40
    assert "31 training pairs" in result.summary() and "min per epoch" in result.summary()


def test_the_epoch_time_estimate_uses_the_committed_benchmarks_speed(tmp_path):
    import json

    from seq2seq_helpers.model_table import EVERY_MODEL_FILE
    from seq2seq_helpers.public_corpus import ConvertedCorpus

    speed = json.loads(EVERY_MODEL_FILE.read_text())["results"]["scalable"]["samples_per_second"]
    pairs = round(speed * 60 * 7)  # seven minutes of training at that speed
    summary = ConvertedCorpus(tmp_path / "a", tmp_path / "b", pairs, 10, pairs).summary()
    assert "about 7 min per epoch" in summary and f"(~{round(speed):,} samples/s" in summary


def test_both_translations_of_a_sentence_stay_together():
    pairs = [("A.", "Uno."), ("a.", "Otro."), ("B.", "Dos."), ("C.", "Tres.")]
    for seed in range(10):
        train, test = split_by_source(pairs, test_share=0.3, seed=seed)
        a_sides = {"train" for s, _ in train if s.lower() == "a."} | {
            "test" for s, _ in test if s.lower() == "a."
        }
        assert len(a_sides) == 1


def test_offline_fails_at_once_with_what_to_do(tmp_path):
    url = f"http://127.0.0.1:{free_closed_port()}/spa-eng.zip"
    with pytest.raises(CorpusDownloadError) as error:
        download_public_corpus(url, tmp_path, timeout=5)
    message = str(error.value)
    assert "could not be reached" in message and "--from-file" in message
    assert not list(tmp_path.iterdir()), "nothing is written when the download fails"


def test_http_error_and_not_a_zip(server, tmp_path):
    with pytest.raises(CorpusDownloadError, match="HTTP 404"):
        download_public_corpus(f"{server}/missing.zip", tmp_path)
    with pytest.raises(CorpusDownloadError, match="not a zip archive"):
        download_public_corpus(f"{server}/page.html", tmp_path)


def test_from_file_and_no_silent_overwrite(tmp_path):
    archive = tmp_path / "spa-eng.zip"
    archive.write_bytes(fixture_archive())
    out = tmp_path / "out"
    download_public_corpus(from_file=archive, out_dir=out)
    before = (out / TRAIN_NAME).read_bytes()
    with pytest.raises(FileExistsError, match="nothing was changed"):
        download_public_corpus(from_file=archive, out_dir=out, seed=5)
    assert (out / TRAIN_NAME).read_bytes() == before
    download_public_corpus(from_file=archive, out_dir=out, seed=5, overwrite=True)
    assert (out / TRAIN_NAME).read_bytes() != before


def test_malformed_archive_line_is_named(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.writestr("spa.txt", "Hi.\tHola.\nno tab on this line\n")
    archive = tmp_path / "bad.zip"
    archive.write_bytes(buffer.getvalue())
    with pytest.raises(ValueError, match="line 2.*no tab on this line"):
        download_public_corpus(from_file=archive, out_dir=tmp_path / "out")


def test_command_line_reports_errors_without_a_traceback(tmp_path, capsys):
    code = main(["--url", f"http://127.0.0.1:{free_closed_port()}/x.zip", "--out", str(tmp_path)])
    assert code == 1 and "Could not download" in capsys.readouterr().err
