"""Independent references for the workforce tests: exact arithmetic with mpmath (50 digits)."""

from __future__ import annotations

import mpmath as mp


def erlang_c_reference(load: float, agents: list[int], aht: float, within: float) -> list[tuple[mp.mpf, mp.mpf]]:
    """(P(wait), service level) of M/M/n for each n, by the Erlang B recurrence in 50 digits."""
    out = []
    with mp.workdps(50):
        a = mp.mpf(load)
        b = mp.mpf(1)
        wanted = set(agents)
        for n in range(max(agents) + 1):
            if n:
                b = a * b / (n + a * b)
            if n not in wanted:
                continue
            if n <= a:
                out.append((mp.mpf(1), mp.mpf(0)))
                continue
            c = n * b / (n - a + a * b)
            out.append((c, 1 - c * mp.exp(-(n - a) * mp.mpf(within) / mp.mpf(aht))))
    return out


def erlang_a_reference(load: float, agents: int, aht: float, patience: float, within: float) -> dict[str, mp.mpf]:
    """Erlang A by summing the birth–death chain state by state (50 digits).

    A caller finding j others waiting is answered within t with probability
    K/(K+j+1)·I_x(j+1, K+1), x = 1 − e^{−θt}, K = nμ/θ (incomplete beta, mpmath.betainc);
    abandonment = θ·L_q/λ. This route shares nothing with the closed form under test.
    """
    with mp.workdps(50):
        mu, theta = 1 / mp.mpf(aht), 1 / mp.mpf(patience)
        lam = mp.mpf(load) * mu
        k_ratio = agents * mu / theta
        x = 1 - mp.exp(-theta * within)
        weights = [mp.mpf(1)]
        for k in range(1, agents + 1):
            weights.append(weights[-1] * lam / (k * mu))
        queue = [weights[-1]]
        j = 0
        while True:
            j += 1
            queue.append(queue[-1] * lam / (agents * mu + j * theta))
            if queue[-1] < mp.mpf(10) ** -60 * sum(queue):
                break
        total = sum(weights[:-1]) + sum(queue)
        no_wait = sum(weights[:-1]) / total
        within_after = sum(
            q * k_ratio / (k_ratio + i + 1) * mp.betainc(i + 1, k_ratio + 1, 0, x, regularized=True)
            for i, q in enumerate(queue)
        ) / total
        lq = sum(i * q for i, q in enumerate(queue)) / total
        # E[wait; answered | j ahead] = K/(K+j+1) · Σᵢ₌₀ʲ 1/(θ(K+i+1)) (virtual wait: a sum of exponentials)
        harmonic = mp.mpf(0)
        waited = mp.mpf(0)
        for i, q in enumerate(queue):
            harmonic += 1 / (theta * (k_ratio + i + 1))
            waited += q * k_ratio / (k_ratio + i + 1) * harmonic
        abandonment = theta * lq / lam
        return {
            "probability_of_waiting": 1 - no_wait,
            "service_level": no_wait + within_after,
            "abandonment": abandonment,
            "asa_seconds": waited / total / (1 - abandonment),
        }
