"""The docs checker (tools/docscheck): parsing pages, comparing output, running pages."""

from pathlib import Path

import pytest
from docscheck import check_page, match_output, numbers_agree, parse_page
from docscheck.blocks import console_commands
from docscheck.compare import first_difference

FENCE = "```"


def page(*parts: str) -> str:
    return "\n".join(parts) + "\n"


def write_page(tmp_path: Path, text: str) -> Path:
    (tmp_path / "examples").mkdir(exist_ok=True)
    (tmp_path / "examples" / "data.csv").write_text("a,b\n1,2\n")
    path = tmp_path / "page.md"
    path.write_text(text)
    return path


# parsing

def test_a_text_block_right_after_a_python_block_is_its_output():
    blocks = parse_page(page("# T", "", f"{FENCE}python", "print(1)", FENCE, "", f"{FENCE}text",
                             "1", FENCE, "", "prose", "", f"{FENCE}text", "not output", FENCE))
    assert [block.language for block in blocks] == ["python", "text"]
    assert blocks[0].expected == ["1"] and blocks[0].line == 4 and blocks[0].expected_line == 8
    assert blocks[1].expected is None and not blocks[1].runs


def test_prose_between_python_and_text_keeps_them_apart():
    blocks = parse_page(page(f"{FENCE}python", "print(1)", FENCE, "Then:", f"{FENCE}text", "1",
                             FENCE))
    assert blocks[0].expected is None and len(blocks) == 2


def test_which_blocks_run():
    text = page(f"{FENCE}bash", "pip install x", FENCE, f"{FENCE}console", "$ ls", FENCE,
                f"{FENCE}", "plain", FENCE, "<!-- docs: skip -->", "", f"{FENCE}python",
                "raise SystemExit", FENCE, f"{FENCE}python", "x = 1", FENCE)
    assert [block.runs for block in parse_page(text)] == [False, True, False, False, True]


def test_indented_fences_in_lists_are_found_and_dedented():
    blocks = parse_page(page("- item:", "", f"    {FENCE}python", "    x = 1", "    if x:",
                             "        print(x)", f"    {FENCE}"))
    assert blocks[0].lines == ["x = 1", "if x:", "    print(x)"]


def test_console_commands_their_output_and_exit_codes():
    text = page(f"{FENCE}console", "$ echo a \\", "> b", "a b", "$ false   # exit 1", "$ true",
                FENCE)
    commands = console_commands(parse_page(text)[0])
    assert [command.command for command in commands] == ["echo a \\\nb", "false   # exit 1",
                                                         "true"]
    assert [command.expected for command in commands] == [["a b"], [], []]
    assert [command.exit_code for command in commands] == [0, 1, 0]
    assert [command.line for command in commands] == [2, 5, 6]


def test_a_console_block_must_start_with_a_command():
    with pytest.raises(ValueError, match="must start with a '\\$ ' command"):
        console_commands(parse_page(page(f"{FENCE}console", "output first", FENCE))[0])


# comparing

@pytest.mark.parametrize(("expected", "actual", "agree"), [
    ("0.9999584", "0.99995840167", True),        # last digit shown
    ("0.9736", "0.97364521", True),
    ("0.9736", "0.9738", False),
    ("0.02", "0.021", True), ("0.02", "0.035", False),
    ("1234.5", "1234.6", True),                  # one unit of the last digit
    ("0.123456", "0.123460", True),              # relative 1e-4
    ("0.123456", "0.123500", False),
    ("57", "57", True), ("57", "58", False), ("57", "57.0", False),   # integers exact
    ("2e-13", "2.4e-13", True), ("2e-13", "3.5e-13", False),
    ("-4.83757835", "-4.83757835", True), ("-4.83757835", "4.83757835", False),
])
def test_numbers_agree_within_the_stated_tolerance(expected, actual, agree):
    assert numbers_agree(expected, actual) is agree


def test_output_lines_spaces_ellipses_and_numbers():
    assert match_output(["[[-0.16595599]", " [0.44064899]]"],
                        ["[[-0.16595599]", " [ 0.44064899]]"])
    assert match_output(["Trained 42 epoch(s) in ... s", "..."],
                        ["Trained 42 epoch(s) in 1.79 s", "more", "lines"])
    assert match_output(["a", "...", "z"], ["a", "z"])
    assert not match_output(["Trained 42 epoch(s) in ... s"], ["Trained 43 epoch(s) in 1 s"])
    assert not match_output(["1 2"], ["12"])             # digits never split or joined
    assert not match_output(["a"], ["a", "b"])           # extra output is a drift
    assert not match_output(["layers.0.weights"], ["layers.1.weights"])
    assert match_output(["x", ""], ["", "x", "", ""])    # blank lines at the ends


def test_first_difference_names_the_line():
    assert first_difference(["a", "b 0.5", "c"], ["a", "b 0.7", "c"]) == (1, "b 0.5", "b 0.7")
    assert first_difference(["a", "..."], ["b"]) == (0, "a", "b")
    assert first_difference(["a"], ["a", "extra"]) == (1, "(end of the expected output)", "extra")


def test_first_difference_after_an_ellipsis_shows_the_closest_printed_line():
    shown = ["Columns:", "...", "Training: rate 0.01, batch 32", "Model saved"]
    printed = ["Columns:", "  'a': number", "Training: rate 0.001, batch 64", "Model saved"]
    assert first_difference(shown, printed) == (2, shown[2], printed[2])


# running pages

def test_a_page_that_prints_what_it_shows_passes(tmp_path):
    path = write_page(tmp_path, page(
        "# A page", f"{FENCE}python", "import math", "value = math.pi", "print(value)", FENCE,
        f"{FENCE}text", "3.14159", FENCE, f"{FENCE}python", "print(value * 2)",
        "open('made.txt', 'w').write('hello')", FENCE, f"{FENCE}text", "6.2832", FENCE,
        f"{FENCE}console", "$ cat made.txt; echo", "hello", "$ head -1 examples/data.csv",
        "a,b", "$ echo oops >&2; exit 3   # exit 3", "oops", FENCE))
    problems, blocks = check_page(path, tmp_path)
    assert problems == [] and blocks == 3


def test_a_drift_is_reported_at_its_page_line(tmp_path):
    path = write_page(tmp_path, page(
        "# A page", "", f"{FENCE}python", "print('loss', 0.25)", "print('done')", FENCE, "",
        f"{FENCE}text", "loss 0.28", "done", FENCE))
    problems, _ = check_page(path, tmp_path)
    assert len(problems) == 1
    assert problems[0].line == 9 and "output drift" in problems[0].message
    assert "'loss 0.28'" in problems[0].message and "'loss 0.25'" in problems[0].message


def test_a_failing_command_fails_the_page(tmp_path):
    path = write_page(tmp_path, page(f"{FENCE}console", "$ ls no-such-file", FENCE))
    problems, _ = check_page(path, tmp_path)
    assert len(problems) == 1 and "exited 2, expected 0" in problems[0].message
    assert problems[0].line == 2


def test_a_command_that_should_fail_but_succeeds_fails_the_page(tmp_path):
    path = write_page(tmp_path, page(f"{FENCE}console", "$ true   # exit 2", FENCE))
    problems, _ = check_page(path, tmp_path)
    assert "exited 0, expected 2" in problems[0].message


def test_glassnet_is_on_the_path_of_console_blocks(tmp_path):
    path = write_page(tmp_path, page(f"{FENCE}console", "$ glassnet --help", "usage: glassnet ...",
                                     "...", FENCE))
    assert check_page(path, tmp_path)[0] == []


def test_a_python_error_names_the_page_line_and_stops_the_page(tmp_path):
    path = write_page(tmp_path, page("# T", f"{FENCE}python", "x = 1", "y = 1 / 0", FENCE,
                                     f"{FENCE}python", "print('never')", FENCE, f"{FENCE}text",
                                     "never", FENCE))
    problems, _ = check_page(path, tmp_path)
    assert len(problems) == 1 and problems[0].line == 3
    assert "ZeroDivisionError" in problems[0].message and 'page.md", line 4' in problems[0].message


def test_a_page_that_runs_too_long_is_stopped(tmp_path):
    path = write_page(tmp_path, page(f"{FENCE}python", "import time", "time.sleep(60)", FENCE))
    problems, _ = check_page(path, tmp_path, timeout=2)
    assert len(problems) == 1 and "timed out after 2 s" in problems[0].message


def test_skipped_and_unrun_blocks_are_not_run(tmp_path):
    path = write_page(tmp_path, page(f"{FENCE}bash", "exit 1", FENCE, "<!-- docs: skip -->",
                                     f"{FENCE}python", "raise SystemExit(1)", FENCE))
    assert check_page(path, tmp_path) == ([], 0)


def test_the_example_of_the_documentation_page_behaves_as_it_says(tmp_path):
    """docs/documentation.md shows a page that passes, and says when it would fail."""
    text = (Path(__file__).resolve().parent.parent / "docs" / "documentation.md").read_text()
    example = text.split("````markdown\n")[1].split("````")[0]
    assert check_page(write_page(tmp_path, example), tmp_path)[0] == []
    drifted = example.replace('math.pi, "and', "3.1420, \"and")
    assert drifted != example
    assert check_page(write_page(tmp_path, drifted), tmp_path)[0]
    longer = example.replace('math.e)', 'math.e)\nprint("more")')
    assert check_page(write_page(tmp_path, longer), tmp_path)[0]
