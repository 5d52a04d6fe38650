"""``glassnet export MODEL -o model.onnx``: the model, with its preprocessing and answers, as
an ONNX file (see ``onnx_export`` for what the graph holds).

The output is checked before any work (not the model itself, a regular file or a new name
in a writable folder) and written atomically. A model with a layer ONNX cannot express, or
a missing onnx package, is a one-line error. Imports ``cli`` helpers and ``onnx_export``.
"""

from __future__ import annotations

from glassnet.cli.errors import CommandError, UsageError
from glassnet.cli.outputs import check_outputs, write_file
from glassnet.cli.predict import open_model


def add_parsers(subparsers) -> None:
    export = subparsers.add_parser("export", help="write a model as an ONNX file",
                                   description="Write the model, its preprocessing and its "
                                               "answers as an ONNX graph (needs the onnx "
                                               "package: pip install 'glassnet[onnx]').")
    export.add_argument("model", metavar="MODEL")
    export.add_argument("-o", "--output", required=True, metavar="FILE.onnx",
                        help="ONNX file to write")
    export.set_defaults(run=run_export)


def run_export(arguments) -> int:
    if not arguments.output.lower().endswith(".onnx"):
        raise UsageError(f"-o {arguments.output}: an ONNX file's name must end in .onnx")
    check_outputs([("MODEL", arguments.model)], [("-o", arguments.output)])
    model = open_model(arguments.model)
    from glassnet.onnx_export import import_onnx, to_onnx

    try:
        payload = to_onnx(model, import_onnx()).SerializeToString()
    except ImportError as error:
        raise CommandError(str(error), 1) from None
    except ValueError as error:
        raise CommandError(f"{arguments.model}: {error}") from None
    write_file(arguments.output, payload)
    print(f"wrote {arguments.output}: inputs {', '.join(input_names(model))}")
    return 0


def input_names(model) -> list[str]:
    encoder = model.preprocessing
    return ["inputs"] if encoder is None else list(encoder.names)
