"""The /_mock/ control API: health, reset (and, later, faults and the journal). Lives apart from
the Enswitch API and never imports its views."""
