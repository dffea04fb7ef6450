"""Synthetic Vietnamese administrative pages with ground truth, for the processing benchmark."""
