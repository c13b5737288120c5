"""Transactions: transactions/list (and those customers/balance/add records)."""
