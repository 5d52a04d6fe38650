"""``glassnet playground``: the local web page where a network trains live (see
``glassnet.playground``). Prints the address, opens a browser unless ``--no-browser``, and
serves on 127.0.0.1 until Ctrl-C.
"""

from __future__ import annotations

import webbrowser

from glassnet.cli.errors import CommandError, UsageError


def add_parsers(subparsers) -> None:
    parser = subparsers.add_parser(
        "playground", help="train a network live in your browser",
        description="A local web page (on 127.0.0.1 only) where a network trains live and "
                    "every number of each step can be seen.")
    parser.add_argument("--port", type=port_number, default=8765,
                        help="port on 127.0.0.1 (default 8765; 0 picks a free one)")
    parser.add_argument("--no-browser", action="store_true", help="only print the address")
    parser.add_argument("--preset", default=None,
                        help="start from a preset: tutorial, xor, spiral, softmax, regression")
    parser.set_defaults(run=run_playground)


def port_number(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {text!r}")
    return value


def run_playground(arguments) -> int:
    from glassnet.playground.server import Playground

    query = {"preset": arguments.preset} if arguments.preset else {}
    try:
        server = Playground(arguments.port, query)
    except ValueError as error:
        raise UsageError(f"--preset: {error}") from None
    except OSError as error:
        raise CommandError(f"cannot listen on 127.0.0.1:{arguments.port} "
                           f"({error.strerror or error}); try --port 0", 1) from None
    print(f"glassnet playground: {server.address}  (Ctrl-C stops it)", flush=True)
    if not arguments.no_browser:
        webbrowser.open(server.address)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped")
    finally:
        server.stop()
    return 0
