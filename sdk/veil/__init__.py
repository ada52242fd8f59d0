"""Veil: the pure-Python privacy core of a browser session-replay recorder.

Rules: nothing in this package reads the DOM, the network or a clock it was not handed.
Only ``veil.bridge`` may import Pyodide; everything else runs under plain CPython.
"""

__version__ = "0.1.0"
