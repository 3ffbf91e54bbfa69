"""The checker's discrete-event simulation of an M/M/c queue, with SimPy.

Independent of the code under test: it measures what the queueing formulas of Part 1 predict.
Seeded, so every run of the tests sees the same simulated waits.
"""

from __future__ import annotations

import random
from collections.abc import Generator
from dataclasses import dataclass

import simpy

WARM_UP = 2_000  # customers dropped at the start, while the queue fills from empty


@dataclass(frozen=True)
class Simulated:
    arrival_rate: float
    service_time: float
    servers: int
    waits: tuple[float, ...]  # seconds each customer waited for a server, after the warm-up

    def share_waiting(self) -> float:
        return sum(w > 0 for w in self.waits) / len(self.waits)

    def share_longer_than(self, seconds: float) -> float:
        return sum(w > seconds for w in self.waits) / len(self.waits)


def simulate_mmc(
    arrival_rate: float, service_time: float, servers: int, customers: int, seed: int
) -> Simulated:
    """Poisson arrivals, exponential service times, `servers` servers, first come first served."""
    rng = random.Random(seed)
    env = simpy.Environment()
    slots = simpy.Resource(env, capacity=servers)
    waits: list[float] = []

    def customer() -> Generator[simpy.events.Event, None, None]:
        arrived = env.now
        with slots.request() as request:
            yield request
            waits.append(env.now - arrived)
            yield env.timeout(rng.expovariate(1 / service_time))

    def arrivals() -> Generator[simpy.events.Event, None, None]:
        for _ in range(customers):
            yield env.timeout(rng.expovariate(arrival_rate))
            env.process(customer())

    env.process(arrivals())
    env.run()
    return Simulated(arrival_rate, service_time, servers, tuple(waits[WARM_UP:]))
