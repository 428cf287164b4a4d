"""Tests of the agent inbox service (inbox/)."""
