"""Mutant: append_run writes right after a torn line instead of starting a new one.

After a crash left half a row without its newline, the next row is glued onto it, and
the reader loses that good row with the torn one.

Caught by: Part 4
"""

BASE = "../solution.py"
REPLACE = (
    (
        '        elif os.pread(descriptor, 1, size - 1) != b"\\n":\n            line = "\\n" + line\n',
        "",
    ),
)
