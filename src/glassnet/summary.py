"""Summaries of networks, models and histories: a text table like Keras's ``model.summary()``
and HTML tables for notebooks (``_repr_html_``).

One row per layer: its index, what it is, its output shape ``(None, width)`` (None: any
number of rows) and its parameter count (trained and not, as Keras counts); then the
totals, trainable (``params``) and non-trainable (``buffers``: arrays saved but not
trained, such as running statistics), and the dtype. ``Sequential.summary``,
``Model.summary`` and the ``_repr_html_`` methods call these functions; the History's HTML
shows its loss curve as an inline PNG when matplotlib is importable. Imports numpy and the
standard library (matplotlib lazily).
"""

from __future__ import annotations

import base64
import html
import io
import math

import numpy as np

HEADERS = ("#", "Layer", "Output shape", "Parameters")


def layer_rows(network) -> list[tuple[str, str, str, str]]:
    """(index, layer, output shape, parameter count incl. buffers) per layer, as text."""
    rows, width = [], getattr(network, "in_features", None)
    for index, layer in enumerate(network.layers):
        width = getattr(layer, "out_features", None) or width
        shape = f"(None, {width if width is not None else '?'})"
        arrays = [*layer.params.values(), *getattr(layer, "buffers", {}).values()]
        count = sum(value.size for value in arrays)
        rows.append((str(index), repr(layer), shape, f"{count:,}"))
    return rows


def totals(network) -> dict[str, int]:
    """Trainable (params) and non-trainable (buffers) array sizes over the whole network."""
    trainable = sum(value.size for layer in network.layers for value in layer.params.values())
    frozen = sum(value.size for layer in network.layers
                 for value in getattr(layer, "buffers", {}).values())
    return {"total": trainable + frozen, "trainable": trainable, "non_trainable": frozen}


def footer_lines(network) -> list[str]:
    counts = totals(network)
    return [f"Total parameters: {counts['total']:,}",
            f"Trainable parameters: {counts['trainable']:,}",
            f"Non-trainable parameters: {counts['non_trainable']:,}",
            f"dtype: {np.dtype(network.dtype).name}"]


def network_text(network, title: str = "Sequential") -> str:
    """The summary table of ``network`` as lines of text (Keras's model.summary layout)."""
    rows = [HEADERS, *layer_rows(network)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(HEADERS))]

    def line(row) -> str:
        cells = [row[0].rjust(widths[0]), row[1].ljust(widths[1]), row[2].ljust(widths[2]),
                 row[3].rjust(widths[3])]
        return "  ".join(cells)

    rule = "-" * len(line(HEADERS))
    body = [line(row) for row in rows[1:]]
    return "\n".join([title, rule, line(HEADERS), rule, *body, "=" * len(rule),
                      *footer_lines(network)])


def model_lines(model) -> list[str]:
    """What a Model adds to its network: task, classes, features, preprocessing, scaling."""
    lines = [f"task: {model.task}"]
    if model.class_labels is not None:
        lines.append(f"classes: {shorten(', '.join(map(str, model.class_labels)))}")
    if model.feature_names is not None:
        lines.append(f"features ({len(model.feature_names)}): "
                     f"{shorten(', '.join(model.feature_names))}")
    if model.preprocessing is not None:
        lines.append(f"preprocessing: {model.preprocessing!r}")
    if model.target_scaling is not None:
        lines.append("target scaling: (y - mean) / scale, undone by predict")
    return lines


def model_text(model) -> str:
    """The network's table under the Model's own description."""
    return "\n".join([network_text(model.network, title="Model"), *model_lines(model)])


def shorten(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def html_table(headers, rows, caption: str = "") -> str:
    """An HTML table; every cell escaped."""
    head = "".join(f"<th>{html.escape(str(cell))}</th>" for cell in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row)
                   + "</tr>" for row in rows)
    caption = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def network_html(network, title: str = "Sequential") -> str:
    """The summary as an HTML table, the totals in a paragraph under it."""
    footer = "<br>".join(html.escape(line) for line in footer_lines(network))
    return html_table(HEADERS, layer_rows(network), caption=title) + f"<p>{footer}</p>"


def model_html(model) -> str:
    extra = "<br>".join(html.escape(line) for line in model_lines(model))
    return network_html(model.network, title="Model") + f"<p>{extra}</p>"


def history_html(history) -> str:
    """The History's records as a table (up to the first and last 10 epochs), with the loss
    curve as an inline PNG when matplotlib is importable and there is something to plot."""
    keys = history.keys()
    records = history.records
    shown = records if len(records) <= 20 else records[:10] + records[-10:]
    rows = [[format_value(record.get(key, math.nan)) for key in keys] for record in shown]
    caption = f"History: {len(records)} epoch(s)" + (
        ", stopped early" if history.stopped_early else "") + (
        ", interrupted" if history.interrupted else "")
    image = loss_curve_png(history) if records else None
    picture = "" if image is None else (f'<img alt="loss curve" src="data:image/png;base64,'
                                        f'{base64.b64encode(image).decode("ascii")}">')
    return html_table(keys, rows, caption=caption) + picture


def format_value(value) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def loss_curve_png(history) -> bytes | None:
    """PNG bytes of loss (and val_loss) against epoch; None without matplotlib."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return None
    figure = Figure(figsize=(4.5, 3), dpi=80)
    axes = figure.add_subplot()
    for key in ("loss", "val_loss"):
        if key in history:
            axes.plot(history["epoch"], history[key], label=key)
    axes.set_xlabel("epoch")
    axes.legend()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
