"""Mutant: the wait quantile forgets that most requests never wait.

Uses the quantile of the exponential tail alone, ln(1 / (1 - q)) / (c / S - lambda), as if every
request queued: p99 waits come out too long and too many replicas are bought.

Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    waiting = erlang_c(servers, arrival_rate * service_time)\n    if waiting <= 1 - q:\n        return 0.0\n    return math.log(waiting / (1 - q)) / (servers / service_time - arrival_rate)\n",
        "    erlang_c(servers, arrival_rate * service_time)  # still rejects an unstable queue\n    return math.log(1 / (1 - q)) / (servers / service_time - arrival_rate)\n",
    ),
)
