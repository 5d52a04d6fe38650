"""Every bad-CSV case and bad model file gets one line on stderr naming the file, line or
column, the right exit code, and no traceback; a failed run never overwrites a model."""

from __future__ import annotations

import pytest
from cli_helpers import categorical_csv, classification_csv, run, write_csv

HEADER = "width,height,species\n"
GOOD_ROWS = "1.0,2.0,left\n2.5,0.5,right\n0.5,0.5,left\n3.0,1.0,right\n"

CASES = {
    "header-less": (GOOD_ROWS, 65, "line 1: looks like data ('1.0'), not column names"),
    "short row": (HEADER + "1.0,2.0,left\n2.5,right\n", 65,
                  "line 3: 2 field(s), but the header has 3"),
    "long row": (HEADER + "1.0,2.0,left,extra\n", 65, "line 2: 4 field(s)"),
    "single class": (HEADER + "1.0,2.0,left\n2.5,0.5,left\n", 65,
                     "column 'species' has only one class ('left')"),
    "empty file": ("", 65, "data.csv: the file is empty"),
    "blank lines only": ("\n\n  \n", 65, "the file is empty"),
    "header only": (HEADER, 65, "has column names but no data rows"),
    "repeated column": ("a,a,species\n1,2,x\n", 65, "column name 'a' appears twice"),
    "unnamed column": ("a,,species\n1,2,x\n", 65, "column 2 has no name"),
    "unterminated quote": (HEADER + '1.0,"2.0,left\n', 65, "data.csv, line"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_csv_files_are_refused_in_one_line(name, tmp_path, capsys):
    text, expected_code, message = CASES[name]
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "train", path, "--target", "species", "-o",
                         tmp_path / "m.glassnet")
    assert code == expected_code, err
    assert message in err and str(path) in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "m.glassnet").exists()


def test_missing_file_is_exit_66(tmp_path, capsys):
    code, _, err = run(capsys, "train", tmp_path / "nope.csv", "--target", "y")
    assert code == 66 and err.strip() == f"error: {tmp_path / 'nope.csv'}: no such file"
    code, _, err = run(capsys, "train", tmp_path, "--target", "y")
    assert code == 66 and "is a folder" in err


def test_unknown_target_column_is_a_usage_error(tmp_path, capsys):
    path = tmp_path / "data.csv"
    path.write_text(HEADER + GOOD_ROWS)
    code, _, err = run(capsys, "train", path, "--target", "colour")
    assert code == 2
    assert "no column 'colour' for --target; the columns are 'width', 'height', 'species'" \
        in err


def test_validation_split_of_one_or_more_is_a_usage_error(tmp_path, capsys):
    path = tmp_path / "data.csv"
    path.write_text(HEADER + GOOD_ROWS)
    for share in ("1", "1.5", "-0.1"):
        code, out, err = run(capsys, "train", path, "--target", "species",
                             "--validation-split", share, "-o", tmp_path / "m.glassnet")
        assert code == 2 and out == "", share
        assert f"expected a fraction in [0, 1), got '{share}'" in err and "Traceback" not in err
    assert not (tmp_path / "m.glassnet").exists()


@pytest.mark.parametrize("share", ["0.1", "0.9"])
def test_too_few_rows_to_hold_out_is_a_data_error(share, tmp_path, capsys):
    # 4 rows: a share of 0.1 holds out round(0.4) = 0 rows, 0.9 holds out all 4
    path = tmp_path / "data.csv"
    path.write_text(HEADER + GOOD_ROWS)
    code, out, err = run(capsys, "train", path, "--target", "species", "--validation-split",
                         share, "-o", tmp_path / "m.glassnet")
    assert code == 65 and out == ""
    assert err.strip() == (f"error: {path}: 4 row(s) are too few to hold out "
                           f"--validation-split {share}")
    assert not (tmp_path / "m.glassnet").exists()


@pytest.mark.parametrize(("share", "held_out"), [("0.25", 1), ("0.75", 3), ("0", 0)])
def test_validation_split_holds_out_the_rounded_share(share, held_out, tmp_path, capsys):
    path = tmp_path / "data.csv"
    path.write_text(HEADER + GOOD_ROWS)
    code, out, err = run(capsys, "train", path, "--target", "species", "--validation-split",
                         share, "--epochs", "1", "-o", tmp_path / "m.glassnet")
    assert code == 0, err
    assert f"{4 - held_out} training rows, {held_out} validation rows" in out


@pytest.mark.parametrize(("argv", "code", "message"), [
    (["--seed", "-1"], 2, "--seed must be >= 0, got -1"),
    (["-o", "-"], 2, "-o: a model is written to a file, not to standard output"),
])
def test_train_refuses_a_negative_seed_and_a_model_on_standard_output(argv, code, message,
                                                                      tmp_path, capsys):
    path = tmp_path / "data.csv"
    path.write_text(HEADER + GOOD_ROWS)
    got, out, err = run(capsys, "train", path, "--target", "species", *argv)
    assert got == code and out == "" and message in err and "Traceback" not in err


def test_a_file_with_only_the_target_column_is_refused(tmp_path, capsys):
    path = tmp_path / "data.csv"
    path.write_text("species\nleft\nright\n")
    code, _, err = run(capsys, "train", path, "--target", "species",
                       "-o", tmp_path / "m.glassnet")
    assert code == 65
    assert "has only the target column 'species', no feature columns" in err
    assert not (tmp_path / "m.glassnet").exists()


def test_a_utf8_byte_order_mark_just_works(tmp_path, capsys):
    path = tmp_path / "data.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + GOOD_ROWS * 3).encode())
    code, out, err = run(capsys, "train", path, "--target", "width", "--epochs", "2",
                         "-o", tmp_path / "m.glassnet")
    assert code == 0, err
    assert "regression of 'width'" in out


def test_a_non_utf8_file_is_refused_naming_the_line(tmp_path, capsys):
    path = tmp_path / "data.csv"
    path.write_bytes((HEADER + "1.0,2.0,left\n").encode() + "2.0,1.0,caf\xe9\n".encode("latin-1"))
    code, _, err = run(capsys, "train", path, "--target", "species")
    assert code == 65 and "line 3: not UTF-8 text (byte 0xe9); save the file as UTF-8" in err


def test_a_failed_run_never_overwrites_the_model(tmp_path, capsys):
    data = classification_csv(tmp_path / "good.csv", rows=30)
    model = tmp_path / "m.glassnet"
    assert run(capsys, "train", data, "--target", "species", "--epochs", "2", "-o", model)[0] == 0
    before = model.read_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "1.0,2.0,left\n2.0,1.0,left\n")
    assert run(capsys, "train", bad, "--target", "species", "-o", model)[0] == 65
    code, _, err = run(capsys, "train", data, "--target", "width", "--optimizer", "sgd",
                       "--learning-rate", "1e6", "--epochs", "50", "-o", model)
    assert code == 65 and "training diverged" in err and "was not written" in err
    assert model.read_bytes() == before


def test_an_unwritable_output_is_exit_73_before_training(tmp_path, capsys):
    data = classification_csv(tmp_path / "good.csv", rows=30)
    code, out, err = run(capsys, "train", data, "--target", "species",
                         "-o", tmp_path / "absent" / "m.glassnet")
    assert code == 73 and "cannot write there" in err and out == ""
    code, _, err = run(capsys, "train", data, "--target", "species", "-o", tmp_path)
    assert code == 73 and "is a folder" in err


@pytest.fixture
def lights(tmp_path, capsys):
    data = categorical_csv(tmp_path / "lights.csv", rows=30)
    model = tmp_path / "lights.glassnet"
    assert run(capsys, "train", data, "--target", "action", "--epochs", "3", "-o", model)[0] == 0
    return model


def test_prediction_file_with_other_columns_is_refused(lights, tmp_path, capsys):
    other = write_csv(tmp_path / "other.csv", ["colour", "weight"], [("red", 1.0)])
    code, _, err = run(capsys, "predict", lights, other)
    assert code == 65
    assert "other.csv: lacks the column(s) 'noise' that the model was trained on" in err


def test_unknown_category_at_predict_time_is_a_warning_or_with_strict_refused(
        lights, tmp_path, capsys):
    new = write_csv(tmp_path / "new.csv", ["colour", "noise"], [("red", 0.1), ("purple", 1)])
    code, out, err = run(capsys, "predict", lights, new)
    assert code == 0 and len(out.splitlines()) == 3
    assert err.strip() == (f"warning: {new}: 1 value(s) training never saw, read as unknown "
                           f"(all zeros, or the column's fill value; --strict refuses them): "
                           f"column 'colour' 1 (first 'purple' on line 3)")
    code, _, err = run(capsys, "predict", lights, new, "--strict")
    assert code == 65
    assert "new.csv, line 3, column 'colour': has the category 'purple' that training never " \
           "saw (it saw 3); --strict refuses it" in err


def test_evaluate_needs_known_classes_and_the_target(lights, tmp_path, capsys):
    unlabelled = write_csv(tmp_path / "u.csv", ["colour", "noise"], [("red", 0.1)])
    code, _, err = run(capsys, "evaluate", lights, unlabelled)
    assert code == 65 and "needs the model's target column 'action'" in err
    odd = write_csv(tmp_path / "odd.csv", ["colour", "noise", "action"], [("red", 0.1, "dance")])
    code, _, err = run(capsys, "evaluate", lights, odd)
    assert code == 65 and "line 2, column 'action': class 'dance' is not one the model" in err


def test_missing_and_damaged_model_files(lights, tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", ["colour", "noise"], [("red", 0.1)])
    code, _, err = run(capsys, "predict", tmp_path / "absent.glassnet", data)
    assert code == 66 and "absent.glassnet: cannot read the model" in err
    damaged = tmp_path / "damaged.glassnet"
    damaged.write_bytes(lights.read_bytes()[:-10])
    for command in ("predict", "evaluate", "inspect", "gradcheck", "plot"):
        extra = {"inspect": [], "plot": ["-o", tmp_path / "p.png"]}.get(command, [data])
        code, _, err = run(capsys, command, damaged, *extra)
        assert code == 65 and "damaged.glassnet: " in err and "Traceback" not in err, command


def test_predict_output_that_cannot_be_written_is_exit_73(lights, tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", ["colour", "noise"], [("red", 0.1)])
    code, _, err = run(capsys, "predict", lights, data, "-o", tmp_path / "no" / "out.csv")
    assert code == 73 and "out.csv: cannot write" in err


@pytest.mark.parametrize(("header", "message"), [
    ("a,-2.5,species", "looks like data ('-2.5'), not column names; add a header line naming "
                       "the columns"),
    ("a,,species", "column 2 has no name"),
    ("a,a,species", "column name 'a' appears twice"),
])
@pytest.mark.parametrize("options", [(), ("--stream",), ("--stream", "--chunk-rows", "1")])
def test_a_bad_header_after_blank_lines_is_named_by_its_own_line(tmp_path, capsys, header,
                                                                 message, options):
    path = tmp_path / "data.csv"
    path.write_text("\n  \n\r\n" + header + "\n1,2,x\n3,4,y\n", encoding="utf-8")
    code, out, err = run(capsys, "train", path, "--target", "species", "-o",
                         tmp_path / "m.glassnet", *options)
    assert (code, out, err) == (65, "", f"error: {path}, line 4: {message}\n")


def test_a_bad_header_of_a_later_file_in_a_folder_is_named_by_its_own_line(tmp_path, capsys):
    (tmp_path / "parts").mkdir()
    write_csv(tmp_path / "parts" / "a.csv", ["x", "species"], [(1, "left"), (2, "right")])
    later = tmp_path / "parts" / "b.csv"
    later.write_text("\n\nx,x\n1,left\n", encoding="utf-8")
    code, out, err = run(capsys, "train", tmp_path / "parts", "--target", "species",
                         "--stream", "-o", tmp_path / "m.glassnet")
    assert (code, out, err) == (65, "", f"error: {later}, line 3: column name 'x' appears "
                                        f"twice\n")
