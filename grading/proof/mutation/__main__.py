"""`python -m grading.proof.mutation`: see the package docstring."""

from grading.proof.mutation.cli import main

raise SystemExit(main())
