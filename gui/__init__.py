"""Strop's desktop window (PySide6 + pyqtgraph). It drives ``engine`` and never trains itself."""
