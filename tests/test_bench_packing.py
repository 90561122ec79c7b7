"""bench/packing.py: the table that justifies packed.py times the same update three ways."""

import numpy as np

from minigrad_lr import packed
from minigrad_lr.adaptive import Adam
from minigrad_lr.bench import packing
from minigrad_lr.nn import MLP


def test_packing_table_rows_and_print(capsys):
    rows = packing.packing_table(shapes=(((5, 4, 3), 6),), rounds=1)
    assert [(r["shape"], r["optimizer"]) for r in rows] == [("5-4-3@6", "SGD m=0.9"), ("5-4-3@6", "Adam")]
    assert all(r["params"] == 5 * 4 + 4 + 4 * 3 + 3 and r["per parameter"] > 0 and r["whole"] > 0
               and r["blocks"] > 0 for r in rows)
    packing.print_packing_table(rows)
    assert len(capsys.readouterr().out.splitlines()) == 1 + len(rows)


def test_the_three_ways_take_the_same_step():
    """The timed functions compute the same numbers: per parameter, whole and in blocks of 7, bit for bit,
    and the block size is put back afterwards."""
    results = []
    for way, block in (("per parameter", None), ("whole", packing.WHOLE), ("blocks", 7)):
        model = MLP([5, 4, 3], seed=0, dtype=np.float64)
        for p in model.parameters():
            p.grad[...] = 0.5
        if way == "per parameter":
            model = packing.per_parameter_copy(model)
            assert packed.packed_arrays(model.parameters()) is None
        packing.update(Adam(model.parameters()), block)()
        results.append([p.data.tobytes() for p in model.parameters()])
    assert results[0] == results[1] == results[2]
    assert packed.BLOCK == 2**16
