"""The keyword constructor of SQLAlchemy's declarative classes, typed.

SQLAlchemy 1.4's ``declarative_base()`` returns a class mypy cannot use as a base,
so a database's base is spelled as a class with ``metaclass=DeclarativeMeta``, its
own ``registry`` and ``metadata``, and this mixin first, so that ``Row(column=value)``
type-checks::

    _registry = registry()

    class OutboxBase(KeywordConstructor, metaclass=DeclarativeMeta):
        __abstract__ = True
        registry = _registry
        metadata = _registry.metadata
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import registry


class KeywordConstructor:
    """``__init__(**columns)``: sets each mapped attribute named (SQLAlchemy's own)."""

    if TYPE_CHECKING:

        def __init__(self, **columns: Any) -> None: ...

    else:
        __init__ = registry().constructor  # the default every registry uses
