"""Customers: customers/get, customers/list, customers/balance/add."""
