"""Engine implementations: the built-in CPU engine and hosted providers."""
