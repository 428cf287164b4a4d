"""Tests of the rasa_sdk action server package."""
