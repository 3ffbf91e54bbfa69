"""One BLAS thread for this exercise's tests. The matrices are tiny, and on a busy two-core machine
OpenBLAS's worker threads spin against each other: one logistic-regression fit measured 0.3 s
with the default threads and 5 ms with one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True, scope="session")
def one_blas_thread() -> Iterator[None]:
    with threadpool_limits(limits=1, user_api="blas"):
        yield
