from portal.memory import SizedLru


def test_the_least_recently_used_entry_goes_first_past_the_limit():
    memory = SizedLru()
    memory.put("a", "A", size=40, limit=100)
    memory.put("b", "B", size=40, limit=100)
    assert memory.get("a") == "A"
    memory.put("c", "C", size=40, limit=100)
    assert memory.get("b") is None, "the least recently used went"
    assert memory.get("a") == "A"
    memory.put("huge", "H", size=101, limit=100)
    assert memory.get("huge") is None, "an entry larger than the whole memory is not kept"
    assert memory.size == 80


def test_a_new_value_replaces_the_old_and_its_size():
    memory = SizedLru()
    memory.put("a", "old", size=60, limit=100)
    memory.put("a", "new", size=30, limit=100)
    assert memory.get("a") == "new"
    assert memory.size == 30
    memory.clear()
    assert memory.get("a") is None
    assert memory.size == 0
