"""Custom actions of the Northwind Store assistant (rasa_sdk action server)."""
