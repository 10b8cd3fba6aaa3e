"""Question answering: normalisation, the search index, the engine and its answer object."""
