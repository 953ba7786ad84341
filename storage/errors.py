"""The one error base of newsradar's storage layer.

StorageError
 ├── NotFoundError        a row the caller named does not exist
 └── LimitError           a per-chat limit would be exceeded
"""


class StorageError(Exception):
    """Something about the database the user can act on, told in one sentence."""


class NotFoundError(StorageError):
    pass


class LimitError(StorageError):
    pass
