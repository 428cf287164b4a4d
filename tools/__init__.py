"""Offline tools of the project (fitting, replay, seeding); nothing here is imported at run time."""
