"""The learner's room: the tools behind the learner's nox sessions (`timed`, `rehearsal`,
`hint`, `progress`, `reset`/`attempts`, `rotate`, `compare`, `profile`, `review`, the week
sessions' environment check and journal status). Each is `python -m grading.learner.<tool>`.

Imports `grading.core` only, never `grading.proof`. Reads the learner's history in `.prep/`
and never overwrites a learner's file without archiving it first (see attempts.py).
"""
