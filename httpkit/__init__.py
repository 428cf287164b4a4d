"""Small pieces shared by the project's services (``inbox``, ``webchat``) and the action server
(``retry``: the one retry policy of the three outboxes).

Only what both need, so neither service imports the other.
"""
