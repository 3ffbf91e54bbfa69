"""Mutant: append_run rewrites the whole log (read every row, add one, write all back).

Opening with "w" truncates first: a crash between truncating and writing loses every
earlier run, and lines it cannot parse (a torn one) silently vanish.

Caught by: Part 4
"""

BASE = "../solution.py"
REPLACE = (
    (
        "import os\n",
        "",
    ),
    (
        '    cells = [_cell(getattr(record, name)) for name in LOG_COLUMNS]\n    if any("\\n" in cell or "\\r" in cell for cell in cells):\n        raise ValueError("log values must not contain line breaks")\n    line = _csv_line(cells)\n',
        "",
    ),
    (
        '    descriptor = os.open(log_path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)\n    try:\n        size = os.fstat(descriptor).st_size\n        if size == 0:\n            line = _csv_line(list(LOG_COLUMNS)) + line\n        elif os.pread(descriptor, 1, size - 1) != b"\\n":\n            line = "\\n" + line\n        data = line.encode("utf-8")\n        # The key idea: one write() of the whole line under O_APPEND lands at the end of the\n        # file in one piece; there is no moment at which the old rows are not on disk.\n        written = os.write(descriptor, data)\n        if written != len(data):\n            raise OSError(f"short write to {log_path}: {written} of {len(data)} bytes")\n        os.fsync(descriptor)\n    finally:\n        os.close(descriptor)\n',
        '    records = read_log(log_path) if log_path.exists() else []\n    with log_path.open("w", encoding="utf-8", newline="") as handle:\n        writer = csv.writer(handle, lineterminator="\\n")\n        writer.writerow(LOG_COLUMNS)\n        for earlier in [*records, record]:\n            writer.writerow([_cell(getattr(earlier, name)) for name in LOG_COLUMNS])\n',
    ),
)
