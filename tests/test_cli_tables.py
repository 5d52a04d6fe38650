"""The column handling at the command line (cli/tables.py with cli/data.py): decisions
printed before training and shown by inspect, missing values and targets, --drop and
friends, separators and decimal commas, column names with spaces, blank lines, unusable
files refused in one line without touching a saved model, evaluate skipping rows without
a target, and a real table (palmerpenguins) as shipped."""

from __future__ import annotations

import numpy as np
import pytest
from cli_helpers import run, train_lights, write_csv

from glassnet import load

HEADER = "rownames,age,town,name,joined,y\n"


def town_rows(rows: int = 60, seed: int = 0) -> list[str]:
    """y is 'yes' for towns north and east, older people; gaps, names, dates."""
    rng = np.random.default_rng(seed)
    lines = []
    for index in range(rows):
        town = ["north", "south", "east", "west"][index % 4]
        age = int(rng.integers(20, 70))
        label = "yes" if (town in ("north", "east")) == (age > 30) else "no"
        shown_age = "NA" if index % 7 == 3 else str(age)
        shown_town = "" if index % 11 == 5 else town
        lines.append(f"{index + 1},{shown_age},{shown_town},person {index},"
                     f"2020-03-{1 + index % 28:02d},{label}\n")
    return lines


@pytest.fixture
def towns(tmp_path):
    path = tmp_path / "towns.csv"
    path.write_text(HEADER + "".join(town_rows()), encoding="utf-8")
    return path


def test_train_prints_each_decision_and_inspect_shows_them(towns, tmp_path, capsys):
    model = tmp_path / "m.glassnet"
    code, out, err = run(capsys, "train", towns, "--target", "y", "--epochs", "30",
                         "--cross-validate-below", "0", "-o", model)
    assert code == 0, err
    assert ("Columns:\n"
            "  'rownames': dropped (an unnamed first column: row names)\n"
            "  'age': number (numbers, 9 missing filled)\n"
            "  'town': category (words, 4 categories, 5 missing filled)\n"
            "  'name': dropped (60 distinct words in 60 rows: names, IDs or free text)\n"
            "  'joined': date (YYYY-MM-DD)\n") in out
    assert "Best validation loss" in out and "; the model keeps that epoch's weights" in out
    code, out, _ = run(capsys, "inspect", model)
    assert "column 'age': number; missing -> " in out and "and a was-missing column" in out
    assert "column 'town': category, one-hot of '(missing)', 'east', 'north', 'south', " \
           "'west'" in out
    assert "column 'joined': date: year, month, weekday, days" in out
    assert "column 'name': dropped (60 distinct words in 60 rows" in out
    assert load(model).preprocessing.names == ["age", "town", "joined"]


def test_rows_without_a_target_are_counted_out_of_the_training_rows(tmp_path, capsys):
    path = tmp_path / "d.csv"  # 50 rows, 10 without a target: 40 kept, 8 held out, 32 trained
    path.write_text("x,y\n" + "".join(f"{k},{'' if k % 5 == 0 else k % 2}\n" for k in range(50)))
    code, out, err = run(capsys, "train", path, "--target", "y", "--epochs", "2",
                         "--cross-validate-below", "0", "-o", tmp_path / "m.glassnet")
    assert code == 0, err
    assert "left out 10 row(s) whose 'y' is missing" in out
    assert "32 training rows, 8 validation rows" in out
    code, out, err = run(capsys, "train", path, "--target", "y", "--epochs", "2",
                         "-o", tmp_path / "m.glassnet")  # 40 rows: 5 folds of 8, then all 40
    assert code == 0, err
    assert "40 training rows, 0 validation rows" in out and "(8 rows each)" in out


def test_an_unnamed_first_column_of_numbered_rows_is_dropped(tmp_path, capsys):
    path = tmp_path / "r.csv"  # as R's write.csv writes a data frame: "" then "1", "2", ...
    path.write_text('"","x","y"\n' + "".join(f'"{k + 1}",{k % 7},{k % 2}\n' for k in range(40)))
    code, out, err = run(capsys, "train", path, "--target", "y", "--epochs", "2",
                         "-o", tmp_path / "m.glassnet")
    assert code == 0, err
    assert "  '(row names)': dropped (an unnamed first column: row names)\n" in out
    assert load(tmp_path / "m.glassnet").preprocessing.names == ["x"]


def test_overrides_reach_the_model(towns, tmp_path, capsys):
    model = tmp_path / "m.glassnet"
    code, out, err = run(capsys, "train", towns, "--target", "y", "--epochs", "2", "--drop",
                         "joined", "--categorical", "age", "--numeric", "rownames",
                         "-o", model)
    assert code == 0, err
    assert "'joined': dropped (--drop)" in out and "'age': category (--categorical" in out
    assert "'rownames': dropped" in out  # row names stay dropped: --numeric cannot help them
    encoder = load(model).preprocessing
    assert encoder.names == ["age", "town"]
    code, _, err = run(capsys, "train", towns, "--target", "y", "--drop", "nope", "-o", model)
    assert code == 65 and "--drop 'nope': not a column" in err


def test_missing_spellings_can_be_set(tmp_path, capsys):
    path = tmp_path / "d.csv"
    rows = "".join(f"{index % 5 if index % 6 else -99},{index % 2}\n" for index in range(40))
    path.write_text("a,y\n" + rows)
    code, out, err = run(capsys, "train", path, "--target", "y", "--epochs", "1", "--missing=-99,",
                         "-o", tmp_path / "m.glassnet")
    assert code == 0, err
    assert "'a': number (numbers, 7 missing filled)" in out


def test_rows_without_a_target_are_left_out_and_evaluate_skips_them(towns, tmp_path, capsys):
    lines = towns.read_text().splitlines(keepends=True)
    lines[3] = lines[3].rsplit(",", 1)[0] + ",NA\n"
    lines[8] = lines[8].rsplit(",", 1)[0] + ",\n"
    towns.write_text("".join(lines))
    model = tmp_path / "m.glassnet"
    code, out, err = run(capsys, "train", towns, "--target", "y", "--epochs", "5", "-o", model)
    assert code == 0, err
    assert f"note: {towns}: left out 2 row(s) whose 'y' is missing" in out
    assert "Read" in out and "58 rows" in out
    code, out, err = run(capsys, "evaluate", model, towns)
    assert code == 0, err
    assert out.startswith(f"58 rows of {towns} (2 without a 'y' left out), target 'y':")
    # gradcheck takes its rows among the labelled ones (row 2 has no 'y'): no NaN target
    code, out, err = run(capsys, "gradcheck", model, towns, "--rows", "5")
    assert code == 0, err
    assert "on 5 rows" in out and "nan" not in out.lower()


def test_semicolons_and_decimal_commas_are_detected_and_can_be_set(tmp_path, capsys):
    rng = np.random.default_rng(0)
    values = rng.normal(size=(40, 2))
    text = "a;b;y\n" + "".join(f"{a:.3f};{b:.3f};{a + 2 * b:.3f}\n".replace(".", ",")
                               for a, b in values)
    path = tmp_path / "d.csv"
    path.write_text(text)
    model = tmp_path / "m.glassnet"
    code, out, err = run(capsys, "train", path, "--target", "y", "--epochs", "2", "-o", model)
    assert code == 0, err
    assert f"note: {path}: semicolon-separated (detected; --sep sets it)" in out
    assert f"note: {path}: decimal commas (detected; --decimal sets it)" in out
    assert "regression of 'y'" in out
    tabbed = tmp_path / "t.csv"
    tabbed.write_text(text.replace(";", "\t"))
    code, out, err = run(capsys, "predict", model, tabbed, "--sep", "tab", "--decimal", ",")
    assert code == 0 and len(out.splitlines()) == 41, err
    code, _, err = run(capsys, "predict", model, path, "--sep", "comma")
    assert code == 2 and "--sep" in err


def test_column_names_are_read_like_values(tmp_path, capsys):
    path = tmp_path / "d.csv"
    path.write_text("a, b , y\n" + "".join(f"{k}, {k % 3} , {k % 2}\n" for k in range(30)))
    model = tmp_path / "m.glassnet"
    code, out, err = run(capsys, "train", path, "--target", "y", "--epochs", "1", "-o", model)
    assert code == 0, err
    assert load(model).feature_names == ["a", "b"]
    code, _, err = run(capsys, "train", path, "--target", "c")
    assert code == 2 and "the columns are 'a', 'b', 'y'" in err


@pytest.mark.parametrize("text", [
    "a,y\n1,0\n   \n2,1\n3,0\n4,1\n5,0\n",
    "a,y\n1,0\n\t\n2,1\n3,0\n4,1\n5,0\n   ",
])
def test_lines_of_only_spaces_are_blank(text, tmp_path, capsys):
    path = tmp_path / "d.csv"
    path.write_text(text)
    code, out, err = run(capsys, "train", path, "--target", "y", "--epochs", "1", "-o",
                         tmp_path / "m.glassnet")
    assert code == 0, err
    assert "Read" in out and "5 rows" in out


@pytest.mark.parametrize(("text", "message"), [
    ("y\n1\n  \n2\n", "has only the target column 'y', no feature columns; add some"),
    ("y\n1\n2\n", "has only the target column 'y', no feature columns"),
    ("  \n \n", "the file is empty"),
    ("a,y\n   \n", "has column names but no data rows"),
    ("a,y\n1,2\n3\n", "line 3: 1 field(s), but the header has 2"),
    ("id,y\n" + "".join(f"x{k},{k % 2}\n" for k in range(30)),
     "no usable feature column is left ('id': 30 distinct words in 30 rows: names, IDs or "
     "free text); keep one with --numeric or --categorical"),
    ("a,y\n" + "".join(f"{k},NA\n" for k in range(9)), "'y' has no values to learn from"),
    ("a,y\n" + "".join(f"{k},1\n" for k in range(9)), "'y' has only one class (1)"),
    ("a;y\n" + "".join(f"{k};2,5\n" for k in range(9)),
     "'y' has only one value (2.5); there is nothing to learn: choose another --target"),
])
def test_unusable_files_are_refused_in_one_line_and_nothing_saved_changes(
        text, message, tmp_path, capsys):
    path = tmp_path / "d.csv"
    path.write_text(text)
    model = tmp_path / "m.glassnet"
    model.write_bytes(b"an earlier model")
    code, out, err = run(capsys, "train", path, "--target", "y", "-o", model)
    assert code == 65, err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert model.read_bytes() == b"an earlier model"


def test_penguins_as_shipped_train_predict_and_evaluate(tmp_path, capsys):
    palmerpenguins = pytest.importorskip("palmerpenguins")
    raw = palmerpenguins.load_penguins_raw()
    order = np.random.default_rng(0).permutation(len(raw))
    raw.iloc[order[:270]].to_csv(tmp_path / "train.csv", index=False)
    raw.iloc[order[270:]].to_csv(tmp_path / "test.csv", index=False)
    model = tmp_path / "penguins.glassnet"
    code, out, err = run(capsys, "train", tmp_path / "train.csv", "--target", "Species",
                         "--epochs", "15", "-o", model)
    assert code == 0, err
    assert "'Date Egg': date" in out and "'Comments': dropped (mostly empty" in out
    code, out, err = run(capsys, "evaluate", model, tmp_path / "test.csv")
    assert code == 0, err
    accuracy = float(out.split("accuracy ")[1].split(",")[0])
    assert accuracy > 0.9


def test_inspect_names_ten_categories_and_counts_more(tmp_path, capsys):
    letters = [letter * 28 for letter in "abcdefghijk"]  # quoted: 30 characters, not cut
    rows = [(letters[index % 10], letters[index % 11], index % 2) for index in range(110)]
    data = write_csv(tmp_path / "letters.csv", ["ten", "eleven", "y"], rows)
    model = tmp_path / "m.glassnet"
    code, _, err = run(capsys, "train", data, "--target", "y", "--epochs", "1", "-o", model)
    assert code == 0, err
    code, out, _ = run(capsys, "inspect", model)
    named = ", ".join(f"'{letter}'" for letter in letters[:10])
    assert f"column 'ten': category, one-hot of {named}\n" in out
    assert f"column 'eleven': category, one-hot of {named}, ... (11 in all)\n" in out



def test_separator_and_missing_spellings_options_read_their_text():
    import argparse

    from glassnet.cli.tables import separator, spellings

    assert [separator(text) for text in (",", ";", "tab", "\\t", "\t", "|")] == [
        ",", ";", "\t", "\t", "\t", "|"]
    with pytest.raises(argparse.ArgumentTypeError, match=r"^expected one of , ; tab \|, "
                                                         r"got ':'$"):
        separator(":")
    assert spellings("NA, ?,-") == ("NA", "?", "-")
    assert spellings("NA,,x") == ("NA", "", "x") and spellings("") == ("",)


def test_the_warning_for_unseen_values_shows_three_columns_and_counts_the_rest():
    from glassnet.cli.tables import shown_names, surprise_line
    from glassnet.column_encoding import Surprise

    surprises = [Surprise(name, count, row, value) for name, count, row, value in
                 [("a", 2, 0, "p"), ("b", 1, 2, "q"), ("c", 4, 1, "r"), ("d", 1, 0, "s"),
                  ("e", 3, 2, "t")]]
    lines = [7, 9, 12]
    assert surprise_line("f.csv", surprises[:3], lines) == (
        "warning: f.csv: 7 value(s) training never saw, read as unknown (all zeros, or the "
        "column's fill value; --strict refuses them): column 'a' 2 (first 'p' on line 7); "
        "column 'b' 1 (first 'q' on line 12); column 'c' 4 (first 'r' on line 9)")
    assert surprise_line("f.csv", surprises, lines).endswith(
        "(first 'r' on line 9); and 2 more column(s)")
    assert surprise_line("f.csv", surprises, lines).startswith("warning: f.csv: 11 value(s)")
    assert surprise_line("f.csv", surprises[:4], lines).endswith(
        "(first 'r' on line 9); and 1 more column(s)")
    assert shown_names("abc") == "'a', 'b', 'c'"
    assert shown_names([str(n) for n in range(10)]).endswith("'8', '9'")
    assert shown_names([str(n) for n in range(11)]) == (
        ", ".join(repr(str(n)) for n in range(10)) + ", ... (11 in all)")
    assert shown_names("abcd", limit=3) == "'a', 'b', 'c', ... (4 in all)"


def test_inspect_lists_every_kind_of_column_decision():
    from glassnet.cli.tables import column_lines
    from glassnet.preprocessing import ColumnEncoder

    many = [f"c{index:02d}" for index in range(12)]
    encoder = ColumnEncoder([
        {"name": "plain", "categories": None, "kind": "number"},
        {"name": "filled", "categories": None, "kind": "number", "fill": 2.5},
        {"name": "flagged", "categories": None, "kind": "number", "fill": 1234567.891,
         "indicator": True},
        {"name": "day", "categories": None, "kind": "date", "fill": 19000.0},
        {"name": "colour", "categories": ["blue", "red"], "kind": "category"},
        {"name": "many", "categories": many, "kind": "category", "other": ["x", "y", "z"]},
    ], dropped=[{"name": "id", "reason": "an identifier"}])
    assert column_lines(encoder) == [
        "column 'plain': number",
        "column 'filled': number; missing -> 2.5",
        "column 'flagged': number; missing -> 1.23457e+06 and a was-missing column",
        "column 'day': date: year, month, weekday, days; missing -> 19000",
        "column 'colour': category, one-hot of 'blue', 'red'",
        "column 'many': category, one-hot of " + ", ".join(repr(name) for name in many[:10])
        + ", ... (12 in all); 3 rare ones grouped as (other)",
        "column 'id': dropped (an identifier)",
    ]


def test_a_model_made_in_python_reads_its_feature_names_or_x0_x1(tmp_path, capsys):
    from glassnet.cli.tables import encoder_of
    from glassnet.layers import Dense
    from glassnet.losses import SquaredError
    from glassnet.model import Model
    from glassnet.network import Sequential
    from glassnet.serialization import save

    network = Sequential([Dense(2, 1)], rng=np.random.default_rng(0))
    named = Model(network, SquaredError(), "regression", feature_names=["p", "q"])
    unnamed = Model(network, SquaredError(), "regression")
    assert encoder_of(named).names == ["p", "q"] and encoder_of(unnamed).names == ["x0", "x1"]
    save(unnamed, tmp_path / "m.glassnet")
    data = tmp_path / "new.csv"
    data.write_text("x1,x0\n1,2\n3,4\n")
    code, out, err = run(capsys, "predict", tmp_path / "m.glassnet", data)
    expected = network.predict(np.array([[2.0, 1.0], [4.0, 3.0]]))[:, 0]
    assert code == 0, err
    np.testing.assert_allclose([float(value) for value in out.splitlines()[1:]], expected,
                               rtol=1e-6)


def test_evaluate_names_the_line_of_an_unseen_value_among_labelled_rows(tmp_path, capsys):
    _, model = train_lights(tmp_path, capsys)
    data = tmp_path / "lights.csv"  # the file the model was trained on, written anew
    data.write_text("colour,noise,action\nred,0.1,\nblue,0.2,go\nred,0.3,\nmauve,0.4,go\n")
    code, _, err = run(capsys, "evaluate", model, data, "--strict")
    assert code == 65 and err.startswith(f"error: {data}, line 5, column 'colour': "), err
    code, out, err = run(capsys, "evaluate", model, data)
    assert code == 0 and err.startswith(f"warning: {data}: 1 value(s) training never saw")
    assert "(first 'mauve' on line 5)" in err


@pytest.mark.parametrize("count", [10, 11])
def test_inspect_names_at_most_ten_categories_each_cut_to_30_characters(count):
    from glassnet.cli.tables import column_lines
    from glassnet.preprocessing import ColumnEncoder

    categories = sorted(f"{index:02d} " + "a long category name, cuts" for index in range(count))
    encoder = ColumnEncoder([{"name": "c", "categories": categories, "kind": "category"}])
    named = ", ".join(repr(item)[:27] + "..." for item in categories[:10])
    more = ", ... (11 in all)" if count == 11 else ""
    assert column_lines(encoder) == [f"column 'c': category, one-hot of {named}{more}"]
    assert len(repr(categories[0])) == 31


def test_numbers_written_with_thousands_separators_are_numbers_in_train_and_predict(
        tmp_path, capsys):
    rng = np.random.default_rng(0)
    rows = ["price,rooms,y\n"] + [f'"{price:,.2f}",{rooms},{price / 1000 + rooms:.3f}\n'
                                  for price, rooms in zip(rng.uniform(500, 2e6, 80),
                                                          rng.integers(1, 9, 80), strict=True)]
    data, model = tmp_path / "d.csv", tmp_path / "m.glassnet"
    data.write_text("".join(rows), encoding="utf-8")
    code, out, err = run(capsys, "train", data, "--target", "y", "--epochs", "5", "-o", model)
    assert code == 0, err
    assert "'price': number (numbers with thousands separators)" in out
    code, out, err = run(capsys, "inspect", model)
    assert "column 'price': number written with thousands separators" in out
    new = tmp_path / "new.csv"
    new.write_text('price,rooms\n"1,234,567.5",3\n999,2\n"12,34",1\n', encoding="utf-8")
    code, out, err = run(capsys, "predict", model, new)
    assert code == 0 and len(out.splitlines()) == 4
    assert "column 'price' 1 (first '12,34' on line 4)" in err


@pytest.mark.parametrize("stream", [[], ["--stream", "--chunk-rows", "25"]])
def test_a_target_with_thousands_separators_trains_a_regression_and_evaluates(
        tmp_path, capsys, stream):
    rng = np.random.default_rng(0)
    area = rng.uniform(30, 300, 120)
    rows = ["area,price\n"] + [f'{value:.1f},"{value * 3123 + 5000:,.0f}"\n' for value in area]
    data, model = tmp_path / "d.csv", tmp_path / "m.glassnet"
    data.write_text("".join(rows), encoding="utf-8")
    code, out, err = run(capsys, "train", data, "--target", "price", "--epochs", "5",
                         "-o", model, *stream)
    assert code == 0, err
    assert "regression of 'price' (numbers with thousands separators)" in out
    code, out, err = run(capsys, "evaluate", model, data, *stream)
    assert code == 0 and "R^2" in out, err
