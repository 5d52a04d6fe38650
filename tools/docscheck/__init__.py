"""Run the code blocks of documentation pages and compare what they print with what is shown.

The rules a page follows (which blocks run, how output is compared) are written for readers in
docs/documentation.md; in short: ```python blocks run top to bottom in one namespace per
page, a ```text block right after one is its expected output, ```console blocks hold ``$ ``
commands and their output, other blocks are not run. ``blocks`` parses a page, ``compare``
compares output, ``runner`` runs a page's steps in a fresh interpreter, ``pages`` ties them.
"""

from docscheck.blocks import Block, Command, parse_page
from docscheck.compare import match_output, numbers_agree
from docscheck.pages import Problem, check_page, documentation_pages

__all__ = ["Block", "Command", "Problem", "check_page", "documentation_pages", "match_output",
           "numbers_agree", "parse_page"]
