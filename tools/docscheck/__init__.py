"""Run the code blocks of documentation pages and compare what they print with what is shown.

The rules a page follows (which blocks run, how output is compared) are in docs/contributing
notes and in DOCS rules printed by ``python tools/check_docs.py --rules``; in short: ```python
blocks run top to bottom in one namespace per page, a ```text block right after one is its
expected output, ```console blocks hold ``$ `` commands and their output, other blocks are
not run.
"""

from docscheck.blocks import Block, Command, parse_page
from docscheck.compare import match_output, numbers_agree
from docscheck.pages import Problem, check_page, documentation_pages

__all__ = ["Block", "Command", "Problem", "check_page", "documentation_pages", "match_output",
           "numbers_agree", "parse_page"]
