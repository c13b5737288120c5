"""The switch's rules: customers, people, roles, rate plans, record groups. Knows nothing of HTTP."""
