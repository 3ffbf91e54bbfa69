"""`python -m grading.proof.flakes`: see the package docstring."""

from grading.proof.flakes.campaign import main

raise SystemExit(main())
