"""Internal Spark column names, prefixed so they can never clash with a user's columns.

A module of their own because every Spark step names the record position, and the record
table (``frames``) and the prepared-column schema (``prepared``) both need it without
importing each other.
"""

from __future__ import annotations

POS = "_gxfm_pos"
KEY = "_gxfm_key"
PART = "_gxfm_part"
PART_HASH = "_gxfm_part_hash"  # partition value hashed by Spark: all missing values alike
PID = "_gxfm_pid"
