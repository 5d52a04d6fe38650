"""The playground page in a real headless Chromium (Debian's, driven by Playwright)."""

import os
import threading
import time
from urllib.parse import parse_qs, urlparse

import pytest

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason="Debian's chromium is not installed (.ci/run installs it)")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def server():
    from glassnet.playground.server import Playground

    playground = Playground(0)
    thread = threading.Thread(target=playground.serve_forever, daemon=True)
    thread.start()
    yield playground
    playground.stop()
    thread.join(timeout=5)


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.errors, opened.hosts = [], set()
    opened.on("console", lambda message: opened.errors.append(message.text)
              if message.type == "error" else None)
    opened.on("pageerror", lambda error: opened.errors.append(str(error)))
    opened.on("request", lambda request: opened.hosts.add(urlparse(request.url).netloc))
    opened.set_default_timeout(20000)
    yield opened
    context.close()


def epoch_of(page) -> int:
    return int(page.text_content("#epoch"))


def test_play_trains_live_and_a_neuron_shows_its_numbers(page, server):
    page.goto(server.address + "?dataset=xor&layers=4")
    page.wait_for_selector('.neuron[data-layer="1"]')
    assert page.text_content("#train-loss") == "–" or epoch_of(page) == 0
    first_loss = page.text_content("#train-loss")
    page.click("#play")
    page.wait_for_function("() => Number(document.getElementById('epoch').textContent) >= 5")
    page.click("#play")  # pause
    page.wait_for_function(f"() => document.getElementById('train-loss').textContent !== "
                           f"'{first_loss}'")
    assert epoch_of(page) >= 5
    page.click('.neuron[data-layer="1"][data-unit="2"]')
    page.wait_for_selector("#neuron-table")
    assert "layer 1, neuron 3" in page.text_content("#neuron-title")
    formula = page.text_content("#neuron-formula")
    assert "z1[0, 2] =" in formula and "dL/dz1[0, 2]" in formula
    numbers = page.locator("#neuron-table td").all_text_contents()
    assert len(numbers) >= 5 * 5 and any(text.startswith("-0.") or text.startswith("0.")
                                         for text in numbers)
    page.wait_for_function("() => document.getElementById('code').textContent.includes('dW1')")
    painted = page.evaluate("""() => {
        const data = document.getElementById('output-map').getContext('2d')
            .getImageData(0, 0, 260, 260).data;
        let count = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && data[i] < 250) count++;
        return count; }""")
    assert painted > 10000
    assert page.errors == [] and page.hosts == {f"127.0.0.1:{server.port}"}


def test_settings_go_into_the_url_and_survive_a_reload(page, server):
    page.goto(server.address)
    page.wait_for_selector(".neuron")
    page.select_option("#rate", "0.1")
    page.click('#datasets button[data-name="spiral"]')
    page.click("#add-layer")
    page.wait_for_function("() => location.search.includes('dataset=spiral')")
    page.wait_for_function("() => new URLSearchParams(location.search).get('layers') === '4,2,2'")
    query = parse_qs(urlparse(page.url).query)
    assert query["rate"] == ["0.1"] and query["dataset"] == ["spiral"]
    page.reload()
    page.wait_for_selector('.layer-head')
    page.wait_for_function("() => document.querySelectorAll('.layer-head').length === 3")
    assert page.input_value("#rate") == "0.1"
    assert "chosen" in page.get_attribute('#datasets button[data-name="spiral"]', "class")
    assert server.engine.settings["layers"] == "4,2,2"
    assert server.engine.settings["dataset"] == "spiral"
    assert page.errors == [] and page.hosts == {f"127.0.0.1:{server.port}"}


def test_a_slow_answer_never_undoes_a_newer_click(page, server, monkeypatch):
    """The first change's answer comes late: the page sends the next change only after it
    (each sends every setting, so the older one applied last would undo the newer click)
    and takes no state older than its own settings (it used to take the older dataset back,
    and the next change wrote it into the URL)."""
    from glassnet.playground.server import Handler

    answer, calls = Handler.do_POST, []

    def slow_answer(handler):
        calls.append(1)
        if len(calls) == 1:  # only the first change's answer is slow
            time.sleep(0.5)
        answer(handler)

    page.goto(server.address)
    page.wait_for_selector(".neuron")
    monkeypatch.setattr(Handler, "do_POST", slow_answer)
    page.select_option("#rate", "0.1")
    page.click('#datasets button[data-name="spiral"]')
    page.wait_for_timeout(1000)  # the state of the rate change has arrived by now
    page.click("#add-layer")
    page.wait_for_function("() => new URLSearchParams(location.search).get('layers') === '4,2,2'")
    query = parse_qs(urlparse(page.url).query)
    assert query["dataset"] == ["spiral"] and query["rate"] == ["0.1"]
    deadline = time.monotonic() + 20
    while server.engine.settings["layers"] != "4,2,2" and time.monotonic() < deadline:
        time.sleep(0.1)  # the slow answers of the three changes, one after another
    assert server.engine.settings["layers"] == "4,2,2"
    assert server.engine.settings["dataset"] == "spiral"
    assert page.errors == []


def test_chinese_words_and_tutorial_preset(page, server):
    page.goto(server.address)
    page.wait_for_selector(".neuron")
    page.click("#lang")
    page.wait_for_function("() => document.documentElement.lang === 'zh'")
    assert page.text_content('[data-i18n="rate"]') == "学习率"
    assert "lang=zh" in page.url
    page.select_option("#preset", "tutorial")
    page.wait_for_function("() => location.search.includes('dataset=tutorial')")
    # 300 epochs in the page equal 300 of the tutorial's own neuron (the engine tests show
    # the whole trajectory is the same; the tutorial's tests show 15,000 reach 0.9999584).
    from glassnet.tutorial import TRAINING_INPUTS, TRAINING_OUTPUTS, NeuralNetwork

    neuron = NeuralNetwork()
    neuron.train(TRAINING_INPUTS, TRAINING_OUTPUTS, 300)
    expected = f"{float(neuron.think([1, 0, 0])[0]):.7f}"
    page.evaluate("() => fetch('/api/command', {method: 'POST', headers: {'Content-Type': "
                  "'application/json'}, body: JSON.stringify({action: 'step', epochs: 300})})")
    page.wait_for_function(f"() => document.getElementById('answer').textContent"
                           f".includes('{expected}')")
    assert "新情况" in page.text_content("#answer")
    assert page.errors == []


def test_edit_a_weight_check_gradients_rewind_and_own_csv(page, server, tmp_path):
    page.goto(server.address + "?dataset=circle&layers=3")
    page.wait_for_selector('.neuron[data-layer="1"]')
    page.click("#step")
    page.wait_for_function("() => document.getElementById('epoch').textContent === '001'")
    page.click("#step")
    page.wait_for_function("() => document.getElementById('epoch').textContent === '002'")
    page.locator('#lines path.hit[data-layer="1"][data-source="1"][data-unit="2"]').click(
        force=True)
    page.wait_for_selector("#weight-value")
    page.fill("#weight-value", "1.25")
    page.click("#weight-set")
    page.wait_for_function("() => document.querySelector('#lines path.hit[data-layer=\"1\"]"
                           "[data-source=\"1\"][data-unit=\"2\"] title').textContent === "
                           "'w = 1.25'")
    assert server.engine.network.layers[0].weights[1, 2] == 1.25
    page.click("#gradcheck")
    page.wait_for_function("() => document.getElementById('gradcheck-result')"
                           ".textContent.includes('✓')")
    page.fill("#rewind", "1")
    page.click("#rewind-button")
    page.wait_for_function("() => document.getElementById('epoch').textContent === '001'")
    table = tmp_path / "mine.csv"
    table.write_text("height,weight,age,group\n" + "\n".join(
        f"{150 + i},{50 + (i * 7) % 30},{20 + i % 9},{'a' if i % 3 else 'b'}" for i in range(30)))
    page.set_input_files("#csv-file", str(table))
    page.wait_for_selector("#csv-columns:not([hidden])")
    page.select_option("#csv-x", "height")
    page.select_option("#csv-y", "weight")
    page.select_option("#csv-target", "group")
    page.click("#csv-use")
    page.wait_for_function("() => document.querySelectorAll('.feature-name').length === 3")
    assert page.locator(".feature-name").all_text_contents() == ["height", "weight", "age"]
    assert server.engine.settings["dataset"] == "csv" and len(server.engine.points) == 30
    assert page.errors == [] and page.hosts == {f"127.0.0.1:{server.port}"}
