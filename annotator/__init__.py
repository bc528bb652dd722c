"""Annotator: tag claims in news articles, keep them in SQLite, export gold JSONL."""

__version__ = "0.1.0"
