"""Memory of one process for what is kept under a key that names its content: the least
recently used entry is dropped first once the entries pass their limit in bytes, and a
reader may ask for nothing older than an age of its choice."""

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class SizedLru:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        # key -> (value, size, when it was put)
        self.entries: OrderedDict[Hashable, tuple[Any, int, float]] = OrderedDict()
        self.size = 0

    def get(self, key: Hashable, *, max_age: float | None = None) -> Any | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            if max_age is not None and time.monotonic() - entry[2] >= max_age:
                return None
            self.entries.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, value: Any, *, size: int, limit: int) -> None:
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= old[1]
            if size > limit:
                return
            self.entries[key] = (value, size, time.monotonic())
            self.size += size
            while self.size > limit:
                _key, (_value, dropped, _at) = self.entries.popitem(last=False)
                self.size -= dropped

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0
