"""Mutant: the idempotency key names the attempt, not just the job and step.

Every retry gets fresh keys, so the world performs again the effects that the crashed attempt
had already performed: a card charged twice.

Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        '    propagates to the caller."""\n',
        '    propagates to the caller."""\n    _attempts[job.job_id] += 1\n',
    ),
    (
        "        world.call(effect_key(job.job_id, step), effect)\n",
        '        world.call(f"{effect_key(job.job_id, step)}#{_attempts[job.job_id]}", effect)\n\n\n_attempts: Counter[str] = Counter()\n',
    ),
)
