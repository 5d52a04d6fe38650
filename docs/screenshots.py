"""Take the documentation's pictures: the playground in Debian's headless Chromium, and a diagram.

    python docs/screenshots.py        (needs glassnet[test] and /usr/bin/chromium)
"""

import pathlib
import threading

from playwright.sync_api import sync_playwright

from glassnet.diagram import network_diagram, neuron_maps
from glassnet.playground.engine import Engine
from glassnet.playground.server import Playground

IMAGES = pathlib.Path(__file__).parent / "images"


def playground_pictures() -> None:
    server = Playground(0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 1000})
        page.goto(server.address + "?dataset=spiral&layers=6,6,4&noise=5&rate=0.03&batch=10"
                  "&features=x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2")
        page.wait_for_selector(".neuron")
        server.engine.step(300)
        server.notify()
        page.wait_for_function("() => Number(document.getElementById('epoch').textContent) >= 300")
        page.click('.neuron[data-layer="2"][data-unit="1"]')
        page.wait_for_selector("#neuron-table")
        page.wait_for_function("() => document.getElementById('code').textContent.length > 0")
        page.screenshot(path=str(IMAGES / "playground.png"), full_page=False)
        page.click("#lang")
        page.wait_for_function("() => document.documentElement.lang === 'zh'")
        page.screenshot(path=str(IMAGES / "playground-zh.png"), clip={"x": 0, "y": 0,
                                                                     "width": 1200,
                                                                     "height": 680})
        browser.close()
    server.stop()


def diagram_pictures() -> None:
    engine = Engine({"dataset": "xor", "layers": "4,3", "rate": "0.03"})
    engine.step(100)
    network_diagram(engine.network, IMAGES / "network.png", input_names=["X1", "X2"])
    neuron_maps(engine.network, engine.points[engine.train_rows], engine.labels[engine.train_rows],
                IMAGES / "neurons.png", extent=(-6, 6))


if __name__ == "__main__":
    playground_pictures()
    diagram_pictures()
