"""Build step that puts the label scheme and the seed articles into the package.

``resources/`` and ``seeds/`` at the top of the repository are their only sources; a wheel gets
copies as ``annotator/_data/resources`` and ``annotator/_data/seeds`` (read back through
``importlib.resources`` by ``annotator/package_data.py``). An editable install copies nothing:
there the package reads the repository's folders directly. Everything else is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA_DIRS = ("resources", "seeds")
PACKAGED = Path("annotator", "_data")


def data_files() -> list[tuple[Path, Path]]:
    """(source in the repository, path relative to the build folder) for every file shipped."""
    pairs = []
    for folder in DATA_DIRS:
        for source in sorted((ROOT / folder).iterdir()):
            if source.is_file() and not source.name.startswith("."):
                pairs.append((source, PACKAGED / folder / source.name))
    return pairs


class build_py_with_data(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # the package reads the checkout's own folders
            return
        # build/ outlives builds: start afresh so a file removed from the sources is not shipped.
        shutil.rmtree(Path(self.build_lib) / PACKAGED, ignore_errors=True)
        for source, relative in data_files():
            target = Path(self.build_lib) / relative
            self.mkpath(str(target.parent))
            self.copy_file(str(source), str(target), preserve_mode=False)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        if not self.editable_mode:
            outputs += [str(Path(self.build_lib) / relative) for _, relative in data_files()]
        return outputs


setup(cmdclass={"build_py": build_py_with_data})
