"""The Enswitch JSON API surface: the function table, parameter parsing, the envelope, the views."""
