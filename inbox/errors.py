"""Domain errors raised by the repository; the HTTP layer maps them to status codes.

InboxError
 ├── NotFound    -> 404
 ├── Conflict    -> 409 (already claimed, wrong state)
 └── Forbidden   -> 403 (claimed by another agent, admin only)
"""


class InboxError(Exception):
    """Base of the inbox's domain errors."""

    status_code = 400


class NotFound(InboxError):
    status_code = 404


class Conflict(InboxError):
    status_code = 409


class Forbidden(InboxError):
    status_code = 403
