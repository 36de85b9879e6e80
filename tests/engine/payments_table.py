"""A generated table of payments, each booked twice: by the sender, then by the receiver.

The shape of Splink's public transactions table (memo, date, amount): the receiver books 1-6
days later, sometimes less a fee, and the memo's trailing words differ. Tests choose the
payers: varied names, or a few common surnames that tell little alone.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

MEMO_WORDS = ["payment", "bgc", "chq", "donation", "money", ""]


def payments_booked_twice(
    count: int, payer: Callable[[np.random.Generator], str], seed: int = 0
) -> tuple[pd.DataFrame, pd.Series]:
    """``count`` payments as ``2 * count`` records (``id``, ``memo``, ``booked_on``,
    ``amount``) and the payment each record belongs to (the truth)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(count):
        who = payer(rng)
        sent = np.datetime64("2022-01-01") + rng.integers(0, 150)
        amount = float(np.round(rng.lognormal(5, 1.2), 2))
        received = amount if rng.random() < 0.6 else round(amount * rng.uniform(0.97, 0.995), 2)
        for side, day, paid in (("s", sent, amount), ("r", sent + rng.integers(1, 7), received)):
            memo = f"{who} {MEMO_WORDS[rng.integers(len(MEMO_WORDS))]}".strip()
            rows.append((f"{side}{i}", i, memo, str(day), paid))
    frame = pd.DataFrame(rows, columns=["id", "payment", "memo", "booked_on", "amount"])
    return frame.drop(columns="payment"), frame["payment"]
