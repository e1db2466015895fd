"""Memory of one process for what is kept under a key that names its content: the least
recently used entry is dropped first once the entries pass their limit in bytes."""

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class SizedLru:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self.size = 0

    def get(self, key: Hashable) -> Any | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
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
            self.entries[key] = (value, size)
            self.size += size
            while self.size > limit:
                _key, (_value, dropped) = self.entries.popitem(last=False)
                self.size -= dropped

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0
