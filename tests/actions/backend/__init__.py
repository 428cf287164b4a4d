"""Tests of actions.backend."""
