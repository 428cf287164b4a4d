"""Who may use the inbox: bot bearer and agent sessions (``deps``), login and its throttle,
password policy, cookies and CSRF (``security``), agent accounts (``agents``), ``/api/v1/me``
and the JSON login (``routes``).
"""
