"""Tests of the NLU test sets under tests/nlu (not of a trained model)."""
