"""The documentation: every code block of every page prints what the page shows, and the site
builds with warnings as errors (broken internal links and anchors included)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docscheck import check_page, documentation_pages

ROOT = Path(__file__).resolve().parent.parent
PAGES = documentation_pages(ROOT)


def build_site(config: Path, site: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
                           str(config), "--site-dir", str(site)], capture_output=True,
                          text=True, env=environment, check=False)


@pytest.mark.parametrize("page", PAGES, ids=[str(page.relative_to(ROOT)) for page in PAGES])
def test_every_code_block_prints_what_the_page_shows(page):
    problems, _ = check_page(page, ROOT)
    assert not problems, "\n\n".join(map(str, problems))


def test_the_site_builds_with_warnings_as_errors(tmp_path):
    built = build_site(ROOT / "mkdocs.yml", tmp_path / "site")
    assert built.returncode == 0, built.stderr[-4000:]
    reference = (tmp_path / "site" / "reference" / "training" / "index.html").read_text()
    assert 'id="glassnet.training.fit"' in reference     # mkdocstrings rendered the API


def test_a_broken_internal_link_or_anchor_fails_the_build(tmp_path):
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    for page in (tmp_path / "docs" / "reference").glob("*.md"):   # fast: no API pages
        page.write_text(re.sub(r"(?m)^::: .*$", "", page.read_text()))
    with open(tmp_path / "docs" / "index.md", "a") as index:
        index.write("\n[gone](learn/no-such-page.md) [nowhere](index.md#no-such-heading)\n")
    built = build_site(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert built.returncode != 0
    assert "learn/no-such-page.md" in built.stderr and "#no-such-heading" in built.stderr


def test_the_readme_links_only_to_files_that_exist():
    readme = (ROOT / "README.md").read_text()
    targets = re.findall(r"\]\((?!https?://|mailto:|#)([^)#\s]+)", readme)
    assert targets, "the README links onward to the documentation"
    missing = [target for target in targets if not (ROOT / target).exists()]
    assert not missing, missing


def test_the_reference_documents_every_module():
    """Each module of glassnet (the command line apart: its guide is docs/guide/cli.md) has a
    ``::: glassnet.<module>`` directive on a reference page, so a new module is not missed."""
    source = ROOT / "src" / "glassnet"
    modules = {path.stem for path in source.glob("*.py") if not path.stem.startswith("_")}
    packages = {path.parent.name for path in source.glob("*/__init__.py")} - {"cli"}
    directives = set(re.findall(r"(?m)^::: glassnet\.(\w+)",
                                "".join(page.read_text()
                                        for page in (ROOT / "docs" / "reference").glob("*.md"))))
    assert not (modules | packages) - directives


def code_blocks(page: Path) -> list[str]:
    """The fenced blocks of a page, fences included, in order."""
    return re.findall(r"(?ms)^```\w*\n.*?^```$", page.read_text())


@pytest.mark.parametrize("chapter", sorted((ROOT / "docs" / "learn").glob("[0-9]-*.md")),
                         ids=lambda path: path.name)
def test_the_chinese_path_runs_the_same_code_as_the_english_one(chapter):
    translation = ROOT / "docs" / "zh" / "learn" / chapter.name
    assert code_blocks(chapter) and code_blocks(translation) == code_blocks(chapter)
