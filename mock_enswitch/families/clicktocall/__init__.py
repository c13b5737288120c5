"""The click-to-call family: functions.py (its table), rules.py, family.py (its descriptor)."""
