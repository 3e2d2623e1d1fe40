"""The built-in engine: a curated bank, MiniLM embeddings and rubric scoring, all on the CPU."""
