"""Builders the tests share: hand-written zip bodies and networks with chosen weights.

Not a test module (pytest collects test_*.py only); test files import it by name.
"""

from __future__ import annotations

import struct
import zlib

from glassnet.network import mlp


def fixed_network(weights, bias):
    """A one-layer network (no hidden layer) whose weights and bias are the given ones."""
    network = mlp([len(weights), len(bias)], rng=0)
    network.layers[0].params["weights"][...] = weights
    network.layers[0].params["bias"][...] = bias
    return network


def stored_zip(members) -> bytes:
    """A zip body (no comment length) of stored ``members``, (name, bytes) pairs in order
    (names may repeat), written field by field (zipfile takes seconds for 100,000 members);
    zip64 end records when there are over 65535."""
    members = list(members)
    local, central, offset = [], [], 0
    for name, data in members:
        encoded, crc = name.encode(), zlib.crc32(data)
        sizes = (crc, len(data), len(data), len(encoded), 0)
        local.append(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, *sizes)
                     + encoded + data)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, *sizes,
                                   0, 0, 0, 0, offset) + encoded)
        offset += len(local[-1])
    directory, count = b"".join(central), len(members)
    end = b""
    if count > 0xFFFF:
        end = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count,
                          len(directory), offset)
        end += struct.pack("<4sLQL", b"PK\x06\x07", 0, offset + len(directory), 1)
    short_count = min(count, 0xFFFF)
    end += struct.pack("<4s4H2L", b"PK\x05\x06", 0, 0, short_count, short_count,
                       len(directory), offset)
    return b"".join(local) + directory + end
