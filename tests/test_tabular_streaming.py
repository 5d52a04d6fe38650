"""tabular.streaming, plan, summaries, moments, row_hash: the decisions learned over chunks
equal those made in memory; validation rows chosen by a hash that does not depend on the
chunking; rows held bounded by the buffer; early stopping; bad chunks."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from glassnet.tabular import Settings, TableError
from glassnet.tabular import fit as in_memory
from glassnet.tabular.distinct import encode_frame, factorized, positions
from glassnet.tabular.moments import EXACT_LIMIT, Counts, Moments
from glassnet.tabular.plan import learn, split
from glassnet.tabular.prefetch import prefetched
from glassnet.tabular.roles import decide_columns
from glassnet.tabular.row_hash import (
    distinct_text_hashes,
    mix,
    number_hashes,
    row_hashes,
    text_hashes,
)
from glassnet.tabular.streaming import FrameChunks, fit_chunks


def messy_table(rows: int = 1500, seed: int = 0, regression: bool = False) -> pd.DataFrame:
    """Numbers with gaps and a few words, categories with rare ones, dates, IDs, a
    constant, a mostly empty column; target words (or numbers)."""
    rng = np.random.default_rng(seed)
    size = rng.normal(3, 2, rows)
    count = rng.integers(0, 40, rows).astype(object)
    count[rng.random(rows) < 0.05] = "?"
    count[7] = "many"
    colour = rng.choice(["red", "green", "blue"], rows).astype(object)
    colour[[3, 50, 90, 250]] = ["teal", "teal", "plum", "ochre"]  # rare: grouped
    colour[rng.random(rows) < 0.03] = ""
    frame = pd.DataFrame({
        "size": np.where(rng.random(rows) < 0.1, np.nan, size), "count": count,
        "colour": colour, "day": pd.Series(pd.date_range("2021-03-01", periods=rows))
        .dt.strftime("%Y-%m-%d").to_numpy(dtype=object),
        "name": np.array([f"person {index}" for index in range(rows)], dtype=object),
        "same": np.ones(rows), "sparse": np.where(rng.random(rows) < 0.8, np.nan, 1.0)})
    signal = frame["size"].fillna(3).to_numpy() + (colour == "red") + rng.normal(0, .5, rows)
    frame["y"] = signal * 10 if regression else np.where(signal > 3.5, "high", "low")
    frame.loc[[11, 12], "y"] = np.nan
    return frame


def chunked(frame: pd.DataFrame, rows: int) -> list[pd.DataFrame]:
    return [frame.iloc[start:start + rows].reset_index(drop=True)
            for start in range(0, len(frame), rows)]


@pytest.mark.parametrize("regression", [False, True])
@pytest.mark.parametrize("rows", [97, 1000])
def test_the_chunks_decide_as_the_whole_table_does(regression, rows):
    frame = messy_table(regression=regression)
    settings = Settings(validation_split=0.0)
    prepared = in_memory.prepare(frame, "y", settings)
    plan = learn(FrameChunks(chunked(frame, rows)).chunks(), "y", settings)
    assert plan.decisions == prepared.decisions
    assert {item.role for item in plan.decisions} == {"number", "category", "date", "dropped"}
    assert plan.encoder.config() == prepared.encoder.config()
    assert any(column.get("other") for column in plan.encoder.columns)  # rare ones grouped
    standardize = prepared.network.layers[0]
    np.testing.assert_allclose(plan.standardize.mean, standardize.mean, rtol=1e-12,
                               atol=1e-12)
    np.testing.assert_allclose(plan.standardize.scale, standardize.scale, rtol=1e-12)
    assert (plan.problem.task, plan.problem.labels, plan.problem.reason) == \
        (prepared.problem.task, prepared.problem.labels, prepared.problem.reason)
    if regression:
        assert plan.scaling["mean"] == pytest.approx(prepared.scaling["mean"], rel=1e-12)
        assert plan.scaling["scale"] == pytest.approx(prepared.scaling["scale"], rel=1e-12)
    assert plan.notes == prepared.notes


@pytest.mark.parametrize("rows", [97, 1000])
def test_the_chunks_read_thousands_separators_as_the_whole_table_does(rows):
    frame = messy_table()
    rng = np.random.default_rng(1)
    price = rng.uniform(0, 3e6, len(frame))
    frame["price"] = [("NA" if index % 13 == 0 else f"{value:,.2f}" if index > 400
                       else f"{value:.1f}") for index, value in enumerate(price)]
    frame["pairs"] = [f"{index % 3},{index % 5}" for index in range(len(frame))]
    settings = Settings(validation_split=0.0)
    prepared = in_memory.prepare(frame, "y", settings)
    plan = learn(FrameChunks(chunked(frame, rows)).chunks(), "y", settings)
    assert plan.decisions == prepared.decisions
    decided = {item.name: item for item in plan.decisions}
    assert decided["price"].thousands and decided["price"].role == "number"
    assert decided["pairs"].role == "category"
    assert plan.encoder.config() == prepared.encoder.config()
    np.testing.assert_allclose(plan.standardize.mean, prepared.network.layers[0].mean,
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(plan.standardize.scale, prepared.network.layers[0].scale,
                               rtol=1e-12)


@pytest.mark.parametrize("rows", [97, 1000])
def test_the_chunks_read_a_target_with_thousands_separators_as_the_whole_table_does(rows):
    frame = messy_table(regression=True)
    frame["y"] = ["" if np.isnan(value) else f"{value:.3f}" if index < 600
                  else f"{value * 1000:,.1f}" for index, value in enumerate(frame["y"])]
    settings = Settings(validation_split=0.0)
    prepared = in_memory.prepare(frame, "y", settings)
    plan = learn(FrameChunks(chunked(frame, rows)).chunks(), "y", settings)
    assert plan.problem.task == prepared.problem.task == "regression"
    assert plan.problem.reason == prepared.problem.reason == "numbers with thousands separators"
    assert plan.scaling["mean"] == pytest.approx(prepared.scaling["mean"], rel=1e-12)
    assert plan.scaling["scale"] == pytest.approx(prepared.scaling["scale"], rel=1e-12)


def test_with_validation_the_encoder_learns_from_the_hashed_training_rows():
    frame = messy_table()
    settings = Settings(validation_split=0.25)
    plan = learn(FrameChunks(chunked(frame, 200)).chunks(), "y", settings)
    kept = frame[frame["y"].notna()].reset_index(drop=True)
    training = split(kept, plan.numeric, 0.25)
    assert 0.2 < 1 - training.mean() < 0.3
    decisions = decide_columns(kept, "y")
    encoder = in_memory.fit_encoder(kept[training], decisions, settings.missing)
    assert plan.encoder.config() == encoder.config()
    assert plan.training_rows == training.sum()


def test_the_validation_rows_do_not_depend_on_the_chunking():
    frame = messy_table(rows=700)
    numeric = ["size", "same", "sparse"]
    whole = split(frame, numeric, 0.2)
    for rows in (1, 33, 250):
        assert np.array_equal(np.concatenate([split(chunk, numeric, 0.2)
                                              for chunk in chunked(frame, rows)]), whole)
    shuffled = frame.sample(frac=1.0, random_state=3)
    assert np.array_equal(split(shuffled, numeric, 0.2), whole[shuffled.index])


def test_memory_holds_a_buffer_of_chunks_not_the_table():
    frame = messy_table(rows=3000)
    held = []
    for rows in (1000, 3000):
        model = fit_chunks(chunked(frame.iloc[:rows], 100), "y", buffer_chunks=3, epochs=2,
                           batch_size=32, patience=None)
        held.append(model.training["most_rows_held"])
    assert held[0] == held[1] or max(held) <= 3 * 100 + 32
    assert max(held) <= 3 * 100 + 32 and min(held) > 100


@pytest.mark.filterwarnings("ignore:.*training never saw")
def test_early_stopping_keeps_the_best_epoch_as_in_memory():
    frame = messy_table(rows=600)
    model = fit_chunks(chunked(frame, 150), "y", epochs=40, patience=3, learning_rate=0.05)
    losses = model.history["val_loss"]
    assert model.history.stopped_early and len(losses) < 40
    assert model.training["best_epoch"] == int(np.argmin(losses)) + 1
    assert len(losses) == model.training["best_epoch"] + 3
    accuracy = np.mean(model.predict(frame.drop(columns="y").iloc[:300]) ==
                       frame["y"].iloc[:300].to_numpy())
    assert accuracy > 0.75


def test_a_function_returning_fresh_chunks_trains_like_a_list(tmp_path):
    path = tmp_path / "table.csv"
    messy_table(rows=400).to_csv(path, index=False)
    model = fit_chunks(lambda: pd.read_csv(path, chunksize=90), "y", epochs=2)
    assert model.feature_names == ["size", "count", "colour", "day"]
    assert model.training["streamed"] and len(model.history) == 2


def test_bad_chunks_are_refused_with_one_line():
    frame = messy_table(rows=300)
    chunks = chunked(frame, 100)
    chunks[2] = chunks[2].assign(extra=1.0)
    with pytest.raises(TableError, match="chunk 2, row 0: has the new column 'extra'"):
        fit_chunks(chunks, "y", epochs=1)
    with pytest.raises(TypeError, match="iterator is used up"):
        fit_chunks(iter(chunked(frame, 100)), "y")
    with pytest.raises(TableError, match="no rows"):
        fit_chunks([], "y")
    with pytest.raises(TableError, match="no column 'z' to predict"):
        fit_chunks(chunked(frame, 100), "z")


@pytest.mark.parametrize("column", ["size", "y"])
def test_numbers_whose_squares_overflow_are_named_without_a_warning(column):
    frame = messy_table(rows=300, regression=True)
    frame[column] = frame[column] * 1e300
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning before the message
        with pytest.raises(TableError, match=f"^column '{column}': its numbers are too large "
                                             f"to standardize chunk by chunk"):
            fit_chunks(chunked(frame, 100), "y", epochs=1)


def test_moments_and_counts_merge_into_the_whole():
    rng = np.random.default_rng(5)
    values = rng.normal(2, 3, (1001, 3))
    merged = Moments()
    for part in np.array_split(values, 7):
        merged = merged.merge(Moments.of(part))
    np.testing.assert_allclose(merged.mean, values.mean(axis=0), rtol=1e-13)
    np.testing.assert_allclose(merged.deviation, values.std(axis=0), rtol=1e-12)
    whole = rng.integers(0, 50, 1000).astype(float)
    counts = Counts.empty()
    for part in np.array_split(whole, 9):
        counts = counts.merge(Counts.of(part))
    assert counts.exact and counts.median() == np.median(whole)
    assert Counts.of(whole[:999]).median() == np.median(whole[:999])
    many = rng.lognormal(0, 2, EXACT_LIMIT + 500)
    binned = Counts.of(many)
    assert not binned.exact
    assert binned.median() == pytest.approx(np.median(many), rel=5e-4)


def test_encoding_each_distinct_value_once_equals_encoding_every_value():
    frame = messy_table(rows=500)
    plan = learn(FrameChunks([frame]).chunks(), "y", Settings(validation_split=0.0))
    other = frame.copy()
    other.loc[[0, 9], "colour"] = ["mauve", None]  # unseen, and a missing value as None
    for table in (frame, other, frame.astype({"colour": "string"})):
        expected, _ = plan.encoder.encode(table)
        np.testing.assert_array_equal(encode_frame(plan.encoder, table), expected)
    values = np.array(["b", "a", np.nan, "b", None, " a"], dtype=object)
    codes, distinct = factorized(values)
    assert list(distinct[codes][:2]) == ["b", "a"] and len(distinct) == 5
    np.testing.assert_array_equal(text_hashes(values), distinct_text_hashes(values))
    assert text_hashes(values)[1] == text_hashes(values)[5]  # the stripped text is hashed


def test_the_whole_table_number_path_encodes_as_each_column_alone():
    rng = np.random.default_rng(4)
    frame = messy_table(rows=400)
    settings = Settings(validation_split=0.0, missing=("", "NA", "-99"))
    plan = learn(FrameChunks([frame]).chunks(), "y", settings)
    other = frame.copy()  # infinities, the spelling -99, -0.0, no gap at all in "same"
    other.loc[[1, 2, 3, 4], "size"] = [np.inf, -np.inf, -99.0, -0.0]
    other["sparse"] = rng.normal(size=len(other)).astype(np.float32)
    for table in (frame, other, frame.astype({"size": "Float64"})):
        expected, _ = plan.encoder.encode(table)
        encoded = encode_frame(plan.encoder, table)
        np.testing.assert_array_equal(encoded.view(np.uint64), expected.view(np.uint64))
    assert any(column.get("indicator") for column in plan.encoder.columns)
    assert positions(np.array([1, 3, 5])) == slice(1, 6, 2)
    assert list(positions(np.array([1, 2, 5]))) == [1, 2, 5]


def test_rows_hash_at_once_as_column_by_column():
    def readable(frame, numeric):  # the definition: h = mix(31 h + column hash)
        hashes = np.zeros(len(frame), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for name in frame.columns:
                column = number_hashes(frame[name].to_numpy()) if name in numeric else \
                    text_hashes(frame[name])
                hashes = mix(hashes * np.uint64(31) + column)
        return hashes

    frame = messy_table(rows=300)
    frame["whole"] = np.arange(300) - 150
    frame.loc[[0, 1, 2, 3], "size"] = [np.inf, -0.0, 0.0, np.nan]
    numeric = ["size", "same", "sparse", "whole", "count"]  # count: numbers as text
    np.testing.assert_array_equal(row_hashes(frame, numeric), readable(frame, numeric))
    pair = number_hashes(np.array([[-0.0, np.nan], [0.0, np.inf]]))
    assert pair[0, 0] == pair[1, 0] and pair[0, 1] == pair[1, 1]  # 0 alike, gaps alike


def test_reading_ahead_keeps_the_order_raises_errors_and_stops_early():
    assert list(prefetched(range(20), lambda item: item * item)) == \
        [item * item for item in range(20)]

    def failing(item):
        if item == 3:
            raise ValueError("bad chunk 3")
        return item

    with pytest.raises(ValueError, match="bad chunk 3"):
        list(prefetched(range(10), failing))
    seen = []
    for item in prefetched(range(1000), lambda item: seen.append(item) or item):
        if item == 2:
            break
    assert len(seen) <= 2 + 1 + 1 + 1  # taken, queued (DEPTH 1), in hand, one more at most


def test_partial_fit_learns_from_pandas_chunks_as_from_the_same_arrays(tmp_path):
    from sklearn.preprocessing import StandardScaler

    from glassnet.sklearn import MLPClassifier

    rng = np.random.default_rng(2)
    inputs = rng.normal(5, 3, (600, 3))
    frame = pd.DataFrame(inputs, columns=["a", "b", "c"])
    frame["label"] = np.where(inputs[:, 0] + inputs[:, 1] > 10, "yes", "no")
    path = tmp_path / "table.csv"
    frame.to_csv(path, index=False)
    scaler = StandardScaler()
    for chunk in pd.read_csv(path, chunksize=100):  # a first pass: the scaling
        scaler.partial_fit(chunk[["a", "b", "c"]].to_numpy())
    streamed = MLPClassifier((8,), random_state=0, learning_rate_init=0.01)
    in_memory = MLPClassifier((8,), random_state=0, learning_rate_init=0.01)
    for _ in range(10):
        for chunk in pd.read_csv(path, chunksize=100):
            streamed.partial_fit(scaler.transform(chunk[["a", "b", "c"]].to_numpy()),
                                 chunk["label"].to_numpy(), classes=["no", "yes"])
        for start in range(0, 600, 100):
            rows = slice(start, start + 100)
            in_memory.partial_fit(scaler.transform(inputs[rows]),
                                  frame["label"].to_numpy()[rows], classes=["no", "yes"])
    for first, second in zip(streamed.coefs_, in_memory.coefs_, strict=True):
        np.testing.assert_allclose(first, second, rtol=1e-12, atol=1e-14)
    assert streamed.score(scaler.transform(inputs), frame["label"]) > 0.93
