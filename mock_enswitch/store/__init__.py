"""Storage: TinyDB behind a narrow interface, with the one lock and the crash-safe writes."""
