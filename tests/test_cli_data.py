"""The CSV reader of the commands (cli/data.py): what the first rows decide."""

from __future__ import annotations

import pytest

from glassnet.cli.data import read_table


@pytest.mark.parametrize("row, detected", [(1000, ","), (1001, ".")])
def test_the_first_thousand_rows_decide_decimal_commas(tmp_path, row, detected):
    """Semicolons, whole numbers, and one decimal comma at ``row``: seen in the first 1000
    rows it makes the decimal a comma; later it is left as text."""
    lines = ["a;b"] + [f"{index};{index % 7}" for index in range(1, 1002)]
    lines[row] = f"{row};2,5"
    path = tmp_path / "late.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read_table(path)
    assert table.decimal == detected
    assert table.frame["b"][row - 1] == ("2.5" if detected == "," else "2,5")
