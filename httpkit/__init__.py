"""Small HTTP pieces shared by the project's two web services (``inbox``, ``webchat``).

Only what both need, so neither service imports the other.
"""
