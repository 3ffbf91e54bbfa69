"""Mutant: PSI bins are left-closed, [edge_i, edge_i+1).

A value equal to an edge lands in the bin above it; on data with many ties (dry days at 0 mm)
that moves whole blocks of values.

Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        '    ref_share = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=edges.size + 1)\n    cur_share = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=edges.size + 1)\n',
        '    ref_share = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=edges.size + 1)\n    cur_share = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=edges.size + 1)\n',
    ),
)
