"""The maintainers' room: the evidence that the grading holds. `verify` (what CI runs), the
consistency and ROADMAP checks, the flakes and mutation campaigns, and the mutant converter.
Each is `python -m grading.proof.<tool>`.

Imports `grading.core` only, never `grading.learner`; nothing a learner's run loads lives here.
"""
