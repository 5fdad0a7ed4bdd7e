"""The indexing side: reading -> normalizing -> cleaning -> metadata -> sections -> metrics
-> index building (``store``, the only module that writes to disk)."""
