"""glassnet.tabular: column roles decided per column, the target's rows and task, and
fit_table from a pandas DataFrame with missing values, names, dates and factors, on a real
table that a package ships (palmerpenguins)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from glassnet import load, save
from glassnet.preprocessing import UnknownValuesWarning
from glassnet.tabular import Settings, TableError, choose_task, decide_columns, fit_table, prepare


def roles(frame, target="y", **overrides):
    return {item.name: (item.role, item.reason) for item in
            decide_columns(frame, target, missing=("", "NA"), **overrides)}


def test_each_rule_decides_its_column():
    rows = 40
    frame = pd.DataFrame({
        "rownames": [str(index) for index in range(rows)],
        "age": [str(index % 7) if index % 10 else "NA" for index in range(rows)],
        "typo": [str(index) for index in range(rows - 1)] + ["lots"],
        "town": ["north", "south", "east", "west"] * 10,
        "name": [f"person {index}" for index in range(rows)],
        "empty": [""] * 30 + ["1"] * 10,
        "same": ["x"] * rows,
        "day": [f"2020-01-{1 + index % 28:02d}" for index in range(rows)],
        "flag": [True, False] * 20,
        "y": [0, 1] * 20})
    decided = roles(frame)
    assert decided["rownames"] == ("dropped", "an unnamed first column: row names")
    assert decided["age"] == ("number", "numbers, 4 missing filled")
    assert decided["typo"] == ("number", "numbers; 1 word(s) such as 'lots' read as missing")
    assert decided["town"] == ("category", "words, 4 categories")
    assert decided["name"] == ("dropped", "40 distinct words in 40 rows: names, IDs or free text")
    assert decided["empty"] == ("dropped", "mostly empty: 75% missing")
    assert decided["same"] == ("dropped", "one value only: 'x'")
    assert decided["day"] == ("date", "YYYY-MM-DD")
    assert decided["flag"] == ("category", "true/false")
    assert "y" not in decided


def test_overrides_win_and_are_checked():
    frame = pd.DataFrame({"a": ["1", "2", "3"], "b": ["x", "y", "x"], "y": [0, 1, 0]})
    decided = roles(frame, drop=["b"], categorical=["a"])
    assert decided == {"a": ("category", "--categorical, 3 categories"),
                       "b": ("dropped", "--drop")}
    assert roles(frame, numeric=["b"])["b"][0] == "number"
    with pytest.raises(TableError, match="--drop 'c': not a column; the columns are 'a, b, y'"):
        roles(frame, drop=["c"])
    with pytest.raises(TableError, match="--numeric 'y': the target"):
        roles(frame, numeric=["y"])
    with pytest.raises(TableError, match="'a' is named by both --drop and --numeric"):
        roles(frame, drop=["a"], numeric=["a"])


def test_the_task_follows_the_target_values():
    assert choose_task(np.array(["a", "b", "a"], dtype=object), "y").task == "classification"
    assert choose_task(np.array([0.5, 1.5, 2.25]), "y").task == "regression"
    whole = choose_task(np.array(["1", "2", "2", "3"], dtype=object), "y")
    assert whole.labels == [1, 2, 3] and whole.outputs == 3
    with pytest.raises(TableError, match="'y' has only one class \\('a'\\).*choose another"):
        choose_task(np.array(["a", "a"], dtype=object), "y")
    with pytest.raises(TableError, match="'x' is not a number, though the column's other"):
        choose_task(np.array(["1.5", "2.5", "x"], dtype=object), "y")
    with pytest.raises(TableError, match="'y' has only one value \\(3.5\\); there is nothing"):
        choose_task(np.array([3.5, 3.5, 3.5]), "y")
    with pytest.raises(TableError, match="'y' has only one value \\(2\\)"):
        choose_task(np.array([2.0, 2.0]), "y", "regression")
    with pytest.raises(TableError, match="holds words, not numbers"):
        choose_task(np.array(["a", "b"], dtype=object), "y", "regression")


def messy(rows: int = 120, seed: int = 0) -> pd.DataFrame:
    """y depends on x and on the town; gaps in x and the town, a name column, a date."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=rows)
    town = rng.choice(["north", "south"], rows)
    y = np.where(x + (town == "north") * 1.5 > 0.7, "yes", "no").astype(object)
    frame = pd.DataFrame({"x": x, "town": town.astype(object), "y": y,
                          "name": [f"n{index}" for index in range(rows)],
                          "when": pd.date_range("2021-01-01", periods=rows, freq="D")})
    frame.loc[::9, "x"] = np.nan
    frame.loc[::11, "town"] = None
    frame.loc[::13, "y"] = None
    return frame


def test_fit_table_trains_on_a_messy_frame_and_the_model_round_trips(tmp_path):
    frame = messy()
    model = fit_table(frame, "y", epochs=60, seed=1)
    assert model.task == "classification" and model.class_labels == ["no", "yes"]
    assert model.feature_names == ["x", "town", "when"]
    assert model.preprocessing.dropped == [
        {"name": "name", "reason": "110 distinct words in 110 rows: names, IDs or free text"}]
    known = frame.dropna(subset=["y"])
    assert np.mean(model.predict(known) == known["y"]) > 0.85
    save(model, tmp_path / "m.glassnet")
    again = load(tmp_path / "m.glassnet")
    np.testing.assert_array_equal(again.predict_proba(frame), model.predict_proba(frame))
    with pytest.warns(UnknownValuesWarning, match="column 'town' 1 \\(first 'east', row 0\\)"):
        model.predict(pd.DataFrame({"x": [0.1], "town": ["east"], "when": ["2021-02-01"]}))


def test_prepare_leaves_out_missing_targets_and_splits_the_rest():
    frame = messy(rows=100)
    prepared = prepare(frame, "y", Settings(cross_validate_below=0))
    assert prepared.notes == ["left out 8 row(s) whose 'y' is missing"]
    assert len(prepared.rows) == 92 and len(prepared.validation_rows) == 18
    assert not set(prepared.training_rows) & set(prepared.validation_rows)
    standardize = prepared.network.layers[0]
    binary = prepared.encoder.binary_outputs
    assert np.all(standardize.mean[binary] == 0) and np.all(standardize.scale[binary] == 1)
    assert prepared.encoder.output_names[0] == "x" and not binary[0]
    x = prepared.inputs[prepared.training_rows, 0]
    assert standardize.mean[0] == pytest.approx(x.mean()) and standardize.scale[0] != 1


def test_early_stopping_keeps_the_best_epoch_when_rows_are_held_out():
    model = fit_table(messy(), "y", epochs=300, seed=0, cross_validate_below=0)
    best = model.training["best_epoch"]
    losses = model.history["val_loss"]
    assert len(model.history) < 300 and losses[best - 1] == min(losses)
    assert len(model.history) == best + Settings().patience


def test_regression_targets_are_standardized_inside_the_model():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"a": rng.normal(size=80), "b": rng.choice(["u", "v"], 80)})
    frame["y"] = 1000 + 50 * frame["a"] + np.where(frame["b"] == "u", 30, 0)
    model = fit_table(frame, "y", epochs=40)
    assert model.task == "regression"
    assert model.target_scaling["mean"] == pytest.approx(frame["y"].mean(), rel=0.01)
    assert np.corrcoef(model.predict(frame), frame["y"])[0, 1] > 0.9


def test_numbers_near_the_largest_float_train_a_usable_model():
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({"a": rng.normal(size=60) * 1e300, "b": rng.normal(size=60)})
    frame["y"] = frame["a"] * 3 + frame["b"] * 1e299
    model = fit_table(frame, "y", epochs=60)
    spread = (frame["y"] / 1e300).std(ddof=0) * 1e300  # frame["y"].std() overflows
    assert model.target_scaling["scale"] == pytest.approx(spread, rel=1e-9)
    assert np.corrcoef(model.predict(frame) / 1e300, frame["y"] / 1e300)[0, 1] > 0.9


@pytest.mark.parametrize(("frame", "target", "message"), [
    (pd.DataFrame({"a": [1, 2], "y": [1, 1]}), "y", "'y' has only one class"),
    (pd.DataFrame({"a": [1, 2], "y": [1, 2]}), "z", "no column 'z' to predict; the columns "
                                                   "are 'a, y'"),
    (pd.DataFrame({"a": ["p", "q", "r"] * 10, "y": [None] * 30}), "y", "'y' has no values"),
    (pd.DataFrame({"id": [f"i{k}" for k in range(30)], "y": [0, 1] * 15}), "y",
     "no usable feature column is left \\('id': 30 distinct words.*keep one with --numeric"),
])
def test_unusable_tables_are_refused_in_one_line(frame, target, message):
    with pytest.raises(TableError, match=message):
        fit_table(frame, target, epochs=1)


@pytest.mark.parametrize(("options", "error", "message"), [
    ({"validation_split": 1.5}, ValueError, "validation_split must be a fraction in \\[0, 1\\), "
                                            "got 1.5"),
    ({"validation_split": float("nan")}, ValueError, "validation_split must be a fraction"),
    ({"seed": -1}, ValueError, "seed must be a whole number >= 0, got -1"),
    ({"seed": 1.5}, ValueError, "seed must be a whole number >= 0, got 1.5"),
    ({"cross_validate_below": -5}, ValueError, "cross_validate_below must be a whole number"),
])
def test_settings_out_of_range_are_named(options, error, message):
    with pytest.raises(error, match=f"^{message}"):
        fit_table(messy(), "y", epochs=1, **options)


@pytest.mark.parametrize("table", [np.zeros((4, 2)), {"x": [1, 2], "y": [0, 1]}])
def test_a_table_without_named_columns_is_refused_naming_its_type(table):
    with pytest.raises(TypeError, match="^the table must be a pandas DataFrame \\(named "
                                        f"columns\\), got {type(table).__name__}$"):
        fit_table(table, "y", epochs=1)


def test_unknown_options_are_named():
    with pytest.raises(TypeError, match="unknown option\\(s\\) epoch; known: task"):
        fit_table(messy(), "y", epoch=3)


def test_the_penguins_as_shipped_train_in_a_few_epochs():
    palmerpenguins = pytest.importorskip("palmerpenguins")
    raw = palmerpenguins.load_penguins_raw()
    prepared = prepare(raw, "Species", Settings(epochs=5))
    decided = {item.name: item.role for item in prepared.decisions}
    assert decided["Date Egg"] == "date" and decided["Individual ID"] == "dropped"
    assert decided["Comments"] == "dropped" and decided["Sex"] == "category"
    model = fit_table(raw, "Species", epochs=15)
    assert np.mean(model.predict(raw) == raw["Species"]) > 0.9


@pytest.fixture(scope="module")
def small_model():
    frame = pd.DataFrame({"a": [1.0, None, 3.0, 4.0] * 5, "b": ["u", "v", None, "u"] * 5,
                          "y": ["p", "q"] * 10})
    return fit_table(frame, "y", epochs=2), frame


ENCODER_CHANGES = {
    "unknown encoder key": (lambda p: p.update(code="os.system"), "preprocessing must be"),
    "missing not a list": (lambda p: p.update(missing="NA"), "must be lists"),
    "dropped not a list": (lambda p: p.update(dropped={"name": "x"}), "must be lists"),
    "bad dropped entry": (lambda p: p.update(dropped=[{"name": 1, "reason": "x"}]),
                          "dropped must list"),
    "unknown column key": (lambda p: p["columns"][0].update(code=1), "keys name and categories"),
    "text fill": (lambda p: p["columns"][0].update(fill="1"), "fill must be a finite"),
    "bad kind": (lambda p: p["columns"][0].update(kind="formula"), "kind must be"),
    "other overlaps": (lambda p: p["columns"][1].update(other=["u"]), "other must list"),
}


@pytest.mark.parametrize("name", sorted(ENCODER_CHANGES))
def test_model_files_check_every_stored_decision(name, small_model, tmp_path):
    from glassnet.serialization import ModelFileError, describe, pack

    change, match = ENCODER_CHANGES[name]
    manifest, arrays = describe(small_model[0])
    change(manifest["preprocessing"])
    path = tmp_path / "bad.glassnet"
    path.write_bytes(pack(manifest, arrays))
    with pytest.raises(ModelFileError, match=match):
        load(path)


def test_a_model_file_from_before_gaps_were_filled_still_loads(tmp_path):
    from glassnet.serialization import describe, pack

    clean = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0] * 5, "b": ["u", "v", "w", "u"] * 5,
                          "y": ["p", "q"] * 10})
    model = fit_table(clean, "y", epochs=2)
    manifest, arrays = describe(model)
    manifest["preprocessing"] = {"columns": [{"name": "a", "categories": None},
                                             {"name": "b", "categories": ["u", "v", "w"]}]}
    path = tmp_path / "old.glassnet"
    path.write_bytes(pack(manifest, arrays))
    old = load(path)
    np.testing.assert_array_equal(old.predict_proba(clean), model.predict_proba(clean))
    with pytest.raises(ValueError, match="column 'a' needs numbers, got None"):
        old.predict(pd.DataFrame({"a": [None], "b": ["u"]}))


@pytest.mark.parametrize("column", ["a", "y"])
def test_a_complex_column_is_refused_naming_it_not_made_real(column):
    frame = pd.DataFrame({"a": np.arange(40.0), "b": np.linspace(0, 1, 40),
                          "y": np.linspace(0, 5, 40) ** 2})
    frame[column] = frame[column] + 1j
    with pytest.raises(ValueError, match=f"column '{column}' holds complex numbers "
                                         f"\\(complex128\\); glassnet reads real numbers"):
        fit_table(frame, "y", epochs=1)


def test_a_saved_models_encoder_refuses_a_complex_column():
    frame = pd.DataFrame({"a": np.arange(40.0), "b": np.linspace(0, 1, 40),
                          "y": np.linspace(0, 5, 40) ** 2})
    model = fit_table(frame, "y", epochs=1)
    with pytest.raises(ValueError, match="column 'a' holds complex numbers"):
        model.predict({"a": np.arange(3.0) + 1j, "b": np.ones(3)})


def test_numbers_with_thousands_separators_make_a_number_column_and_lists_do_not():
    frame = pd.DataFrame({
        "price": [f"{1000 * index + 0.5:,}" if index % 2 else str(index) for index in range(40)],
        "gaps": ["NA" if index % 5 == 0 else f"{1000 * index:,}" for index in range(40)],
        "pairs": [f"{index % 3},{index % 4}" for index in range(40)],
        "decimal_commas": [f"{index % 9},{index % 7 + 10}" for index in range(40)],
        "y": [0, 1] * 20})
    decided = roles(frame)
    assert decided["price"] == ("number", "numbers with thousands separators")
    assert decided["gaps"] == ("number", "numbers with thousands separators, 8 missing filled")
    assert decided["pairs"][0] == "category"
    assert decided["decimal_commas"][0] != "number"
    assert roles(frame, numeric=["price"])["price"] == ("number",
                                                        "--numeric, thousands separators")


def test_a_thousands_column_trains_and_predicts_through_a_saved_model(tmp_path):
    rng = np.random.default_rng(0)
    area = rng.uniform(500, 5_000_000, 120)
    frame = pd.DataFrame({"area": [f"{value:,.1f}" for value in area],
                          "y": np.log(area) + rng.normal(0, 0.01, 120)})
    model = fit_table(frame, "y", epochs=60)
    save(model, tmp_path / "m.glassnet")
    loaded = load(tmp_path / "m.glassnet")
    assert loaded.preprocessing.columns[0]["thousands"] is True
    new = {"area": ["2,500,000.0", "1000", "12,345"]}
    np.testing.assert_array_equal(loaded.predict(new), model.predict(new))
    assert np.corrcoef(loaded.predict(frame), frame["y"])[0, 1] > 0.9


def test_a_target_written_with_thousands_separators_is_a_regression_of_its_numbers():
    values = np.array(["1,234", "12,345.5", "999", "2,000,000"] * 10, dtype=object)
    problem = choose_task(values, "price")
    assert (problem.task, problem.reason) == ("regression", "numbers with thousands separators")
    np.testing.assert_array_equal(problem.targets[:4], [1234, 12345.5, 999, 2e6])
    classes = choose_task(np.array(["1,000", "2,000", "3,000"] * 5, dtype=object), "size")
    assert classes.task == "classification" and classes.labels == [1000, 2000, 3000]
    words = choose_task(np.array(["1,234", "north", "south"] * 5, dtype=object), "town")
    assert words.labels == ["1,234", "north", "south"]
