"""Étoile fan Q&A bot: a knowledge base, an answering engine, and its front ends."""

__version__ = "0.1.0"
