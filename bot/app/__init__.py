"""Moderation logic that knows nothing about Discord: edits, history, gaps."""
