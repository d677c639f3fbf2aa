"""Pure-Python domain: types, rules, ids and clocks. No Qt, no SQL."""
