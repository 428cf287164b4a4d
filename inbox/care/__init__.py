"""Care for the agents: an agent's status remembered across logins, a short break offered
after an abusive conversation (``breaks``), the next abusive customer offered to someone
else when anyone else is free (``routing``), and abuse exposure per agent for admins
(``exposure``).
"""
