import pytest

from seq2seq_helpers.config import DEFAULT_CORPUS
from seq2seq_helpers.data import load_pairs


def write(tmp_path, content: bytes, name="pairs.tsv"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_reads_pairs_and_ignores_attribution_column(tmp_path):
    path = write(tmp_path, "Hi.\tHola.\tCC-BY note\nThanks.\tGracias.\n".encode())
    assert load_pairs(path) == [("Hi.", "Hola."), ("Thanks.", "Gracias.")]


def test_bom_crlf_and_blank_lines(tmp_path):
    path = write(tmp_path, "\ufeffHi.\tHola.\r\n\r\n   \r\nBye.\tAdiós.\r\n".encode())
    assert load_pairs(path) == [("Hi.", "Hola."), ("Bye.", "Adiós.")]


def test_malformed_line_names_file_line_and_text(tmp_path):
    path = write(tmp_path, "Hi.\tHola.\nno tab here\n".encode())
    with pytest.raises(ValueError) as error:
        load_pairs(path)
    message = str(error.value)
    assert "pairs.tsv" in message and "line 2" in message and "no tab here" in message


def test_empty_target_is_malformed(tmp_path):
    path = write(tmp_path, "Hi.\t \n".encode())
    with pytest.raises(ValueError, match="line 1.*target"):
        load_pairs(path)


def test_empty_file(tmp_path):
    with pytest.raises(ValueError, match="no sentence pairs"):
        load_pairs(write(tmp_path, b"\n\n"))


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.tsv"):
        load_pairs(tmp_path / "nope.tsv")


def test_first_n_and_seeded_sample(tmp_path):
    lines = "".join(f"s{i}\tt{i}\n" for i in range(50)).encode()
    path = write(tmp_path, lines)
    assert load_pairs(path, 3) == [("s0", "t0"), ("s1", "t1"), ("s2", "t2")]
    sample_a = load_pairs(path, 10, sample=True, seed=1)
    assert sample_a == load_pairs(path, 10, sample=True, seed=1)
    assert sample_a != load_pairs(path, 10, sample=True, seed=2)
    assert sample_a != load_pairs(path, 10)
    assert len(set(sample_a)) == 10


def test_asking_for_too_many_pairs_warns(tmp_path):
    path = write(tmp_path, b"a\tb\n")
    with pytest.warns(UserWarning, match="only 1"):
        assert load_pairs(path, 5) == [("a", "b")]


@pytest.mark.parametrize("bad", [0, -1, 2.5, "10"])
def test_bad_num_pairs(tmp_path, bad):
    with pytest.raises(ValueError, match="num_pairs"):
        load_pairs(write(tmp_path, b"a\tb\n"), bad)


def test_course_corpus_is_clean():
    pairs = load_pairs(DEFAULT_CORPUS)
    assert len(pairs) >= 3000
    english = [source.lower() for source, _ in pairs]
    assert len(set(english)) == len(english), "duplicate English sentences"
    assert all(1 <= len(source.split()) <= 10 for source in english)
    assert any("¿" in target for _, target in pairs) and any("¡" in target for _, target in pairs)
