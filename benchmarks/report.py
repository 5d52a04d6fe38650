"""The benchmark's targets, and its results as a markdown table and a PNG bar chart."""

from __future__ import annotations

# workload -> peer -> largest allowed glassnet/peer time ratio (issue 6). "far ahead of
# PyTorch" in W1 is read as at most a quarter of its time.
RATIO_TARGETS = {
    "W1": {"numpy loop": 1.0, "PyTorch": 0.25},
    "W2": {"scikit-learn": 0.5, "PyTorch": 0.5},
    "W3": {"scikit-learn": 0.5, "PyTorch": 0.6},
    "W4": {"scikit-learn": 0.8, "PyTorch": 0.6},
}
SHARE_TARGETS = {"W3": 0.5}       # at least this share of numpy's float32 matmul rate
ACCURACY_TOLERANCE = {"W2": 0.02}  # training accuracy within this of each peer's
MEMORY_TARGET_MIB = 16.0


def verdicts(results: dict) -> list[dict]:
    """One row per (workload, peer) and target: the figure, the target, met or not."""
    rows = []
    for name, entry in results["workloads"].items():
        mine = entry["libraries"].get("glassnet")
        if mine is None:
            continue
        for peer, target in RATIO_TARGETS.get(name, {}).items():
            if peer in entry["libraries"]:
                ratio = mine["median_seconds"] / entry["libraries"][peer]["median_seconds"]
                rows.append({"workload": name, "what": f"time / {peer}", "value": ratio,
                             "target": f"<= {target}", "met": ratio <= target})
                tolerance = ACCURACY_TOLERANCE.get(name)
                if tolerance is not None:
                    gap = entry["libraries"][peer]["accuracy"] - mine["accuracy"]
                    rows.append({"workload": name, "what": f"accuracy below {peer}",
                                 "value": gap, "target": f"<= {tolerance}",
                                 "met": gap <= tolerance})
        if name in SHARE_TARGETS:
            share = mine["share_of_limit"]
            rows.append({"workload": name, "what": "share of float32 matmul rate",
                         "value": share, "target": f">= {SHARE_TARGETS[name]}",
                         "met": share >= SHARE_TARGETS[name]})
    memory = results.get("memory", {}).get("glassnet")
    if memory is not None:
        rows.append({"workload": "M3", "what": "extra MiB while fitting W3",
                     "value": memory["extra_mib"], "target": f"<= {MEMORY_TARGET_MIB}",
                     "met": memory["extra_mib"] <= MEMORY_TARGET_MIB})
    return rows


def markdown(results: dict) -> str:
    """The README's table: the machine, then every time, ratio, share, and the targets."""
    machine = results["machine"]
    lines = [f"Measured {machine['date']} on {machine['cpu']} ({machine['cores']} cores), "
             f"Python {machine['python']}, {machine['blas']}; "
             + ", ".join(f"{name} {version}" for name, version in machine["versions"].items())
             + f". Median of {results['repeats']} alternating repeats, "
             f"{results.get('threads', '?')} thread(s) for numpy's BLAS and PyTorch alike. "
             f"numpy matrix-multiply "
             f"limit (2048 x 2048): float32 {results['limit']['float32'] / 1e9:.1f} GFLOP/s, "
             f"float64 {results['limit']['float64'] / 1e9:.1f} GFLOP/s.", "",
             "| workload | library | median time (s) | glassnet / library | share of limit "
             "| accuracy |", "|---|---|---:|---:|---:|---:|"]
    for name, entry in results["workloads"].items():
        mine = entry["libraries"].get("glassnet")
        for library, figures in entry["libraries"].items():
            ratio = "" if mine is None or library == "glassnet" else \
                f"{mine['median_seconds'] / figures['median_seconds']:.2f}"
            accuracy = figures.get("accuracy")
            accuracy = "" if accuracy is None else f"{accuracy:.4f}"
            lines.append(f"| {name} | {library} | {figures['median_seconds']:.3f} | {ratio} "
                         f"| {figures['share_of_limit']:.1%} | {accuracy} |")
    for library, figures in results.get("memory", {}).items():
        lines.append(f"| M3 | {library} | extra memory {figures['extra_mib']:.1f} MiB "
                     f"| | | |")
    lines += ["", "| target | measured | goal | met |", "|---|---:|---|---|"]
    for row in verdicts(results):
        lines.append(f"| {row['workload']} {row['what']} | {row['value']:.3g} "
                     f"| {row['target']} | {'yes' if row['met'] else '**no**'} |")
    return "\n".join(lines) + "\n"


def chart(results: dict, path: str) -> None:
    """Bars of glassnet's time over each peer's, with each target as a tick above its bar."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [row for row in verdicts(results) if row["what"].startswith("time / ")]
    labels = [f"{row['workload']}\n{row['what'][7:]}" for row in rows]
    figure, axes = plt.subplots(figsize=(max(6, 1.1 * len(rows)), 4))
    colours = ["tab:green" if row["met"] else "tab:red" for row in rows]
    axes.bar(range(len(rows)), [row["value"] for row in rows], color=colours)
    for index, row in enumerate(rows):
        target = float(row["target"].split()[-1])
        axes.hlines(target, index - 0.4, index + 0.4, colors="black", linestyles="dashed")
        axes.text(index, row["value"], f"{row['value']:.2f}", ha="center", va="bottom")
    axes.axhline(1.0, color="grey", linewidth=0.8)
    axes.set_xticks(range(len(rows)), labels)
    axes.set_ylabel("glassnet time / peer time (lower is better)")
    axes.set_title("glassnet against its peers (dashed: target; green met, red missed)")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
