"""Numbers: a pool of numbers per inbound group, purchased, updated and released."""
