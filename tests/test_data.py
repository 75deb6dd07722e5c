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
    assert len(pairs) >= 12_000
    english = [source.lower() for source, _ in pairs]
    assert len(set(english)) == len(english), "duplicate English sentences"
    assert all(1 <= len(source.split()) <= 15 for source in english)
    assert any("¿" in target for _, target in pairs) and any("¡" in target for _, target in pairs)


def test_windows_1252_file_names_line_and_fix(tmp_path):
    path = write(tmp_path, "Hi.\tHola.\nI eat.\tComo en el café.\n".encode("cp1252"))
    with pytest.raises(ValueError) as error:
        load_pairs(path)
    message = str(error.value)
    assert "pairs.tsv, line 2" in message and "not valid utf-8" in message
    assert "Windows-1252" in message and "encoding='cp1252'" in message
    assert load_pairs(path, encoding="cp1252")[1] == ("I eat.", "Como en el café.")


def test_unknown_encoding_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="Unknown encoding 'klingon'"):
        load_pairs(write(tmp_path, b"a\tb\n"), encoding="klingon")


def test_folder_instead_of_file(tmp_path):
    write(tmp_path, b"a\tb\n", name="spa.txt")
    with pytest.raises(IsADirectoryError, match="is a folder.*spa.txt"):
        load_pairs(tmp_path)


def test_suspicious_text_gives_one_warning_with_counts_and_lines(tmp_path):
    content = (
        "Hi.\tHola.\nA &amp; B.\tA y B.\nFine.\tEstÃ¡ bien.\nOk.\tVale.\x07\nBad &lt;.\tMal.\n"
    )
    path = write(tmp_path, content.encode())
    with pytest.warns(UserWarning) as caught:
        load_pairs(path)
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "2 line(s) with HTML entities" in message and "line(s) 2, 5" in message
    assert "1 line(s) with mojibake" in message and "line(s) 3" in message
    assert "1 line(s) with control characters" in message and "line(s) 4" in message


def test_clean_spanish_gives_no_warning(tmp_path, recwarn):
    load_pairs(write(tmp_path, "Where is it?\t¿Dónde está? ¡Qué bien!\n".encode()))
    assert not recwarn.list


def test_max_length_filters_by_tokens_before_sampling(tmp_path):
    lines = "".join(f"{'w ' * (i % 6)}s{i}\tt{i}\n" for i in range(60)).encode()
    path = write(tmp_path, lines)
    short = load_pairs(path, max_length=3)
    assert short and all(len(s.split()) <= 3 and len(t.split()) <= 3 for s, t in short)
    # tokens, not words: "At 8:30." is five tokens (at, 8, :, 30, .)
    timed = write(tmp_path, "At 8:30.\tA las 8:30.\nHi.\tHola.\n".encode(), name="timed.tsv")
    assert load_pairs(timed, max_length=4) == [("Hi.", "Hola.")]
    # the first n of a seeded sample equal a seeded sample of n: notebooks 04 and 05 agree
    assert (
        load_pairs(path, 5, sample=True, seed=4, max_length=3)
        == load_pairs(path, sample=True, seed=4, max_length=3)[:5]
    )
    with pytest.raises(ValueError, match="at most 1 tokens"):
        load_pairs(write(tmp_path, b"a b\tc d\n", name="long.tsv"), max_length=1)
    with pytest.raises(ValueError, match="max_length"):
        load_pairs(path, max_length=0)
