"""The users family: functions.py (its table), rules.py, family.py (its descriptor)."""
