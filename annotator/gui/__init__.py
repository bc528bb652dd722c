"""The PySide6 face of Annotator: thin widgets over the Qt-free core in ``annotator``."""
