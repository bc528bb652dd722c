"""A wheel built from this checkout works on its own: installed into a fresh virtualenv and run
from an empty folder, it has its label scheme and seed articles, and the build warns of nothing."""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow

SEED_NAMES = ["000_15135173df733d2c.txt", "001_86bcf4922bea323b.txt"]
# Not ours: pip's notes on this machine's extra package index folders.
PIP_NOISE = ("is ignored: it is neither a file nor a directory",)


def copy_sources(target: Path) -> Path:
    """The checkout without virtualenvs, build output or caches, so a stale build/ cannot hide
    a missing step and the build never writes into the checkout."""
    junk = shutil.ignore_patterns(".git", ".venv*", "build", "dist", "*.egg-info", "__pycache__",
                                  ".pytest_cache", ".hypothesis", "*.annotator.db*")
    shutil.copytree(ROOT, target, ignore=junk)
    return target


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "PYTHONDONTWRITEBYTECODE")}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("wheel")
    source = copy_sources(tmp / "src")
    # PYTHONDONTWRITEBYTECODE (set where the suite runs) makes distutils say "byte-compiling is
    # disabled"; it is the caller's setting, not the project's, so the build runs without it.
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-v", "-w", str(tmp / "dist")],
        cwd=source, env=clean_env(), capture_output=True, text=True, timeout=600,
    )
    output = built.stdout + built.stderr
    assert built.returncode == 0, output
    wheels = list((tmp / "dist").glob("annotator-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0], output


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh virtualenv with the wheel installed; the dependencies (PySide6 is large) come from
    the test virtualenv's site-packages through a .pth file instead of being installed again.
    A .pth file's lines only extend sys.path, so the test venv's editable-install finder is not
    run and ``annotator`` can only come from the wheel."""
    home = tmp_path_factory.mktemp("venv") / "venv"
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", str(home)], check=True, timeout=120)
    python = home / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "test-venv-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", str(wheel[0])],
        env=clean_env(), capture_output=True, text=True, timeout=600,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return home


def test_the_build_warns_of_nothing(wheel):
    lines = [line for line in wheel[1].splitlines() if not any(noise in line for noise in PIP_NOISE)]
    noisy = [line for line in lines if "warn" in line.lower() or "deprecat" in line.lower()]
    assert noisy == [], "\n".join(noisy)


def test_the_wheel_holds_the_data_and_nothing_else(wheel):
    names = zipfile.ZipFile(wheel[0]).namelist()
    assert "annotator/_data/resources/labels.json" in names
    for seed in SEED_NAMES:
        assert f"annotator/_data/seeds/{seed}" in names
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names), "the licence is not in the wheel"
    tops = {name.split("/")[0] for name in names}
    assert tops == {"annotator", "annotator-0.1.0.dist-info"}, tops  # no tests/, bench/, resources/...
    packaged = json.loads(zipfile.ZipFile(wheel[0]).read("annotator/_data/resources/labels.json"))
    assert packaged == json.loads((ROOT / "resources" / "labels.json").read_text())


def test_the_installed_app_runs_from_any_folder(venv, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = clean_env(ANNOTATOR_HOME=str(tmp_path / "home"), ANNOTATOR_CONFIG=str(tmp_path / "config"),
                    QT_QPA_PLATFORM="offscreen")

    def run(*args, python=False):
        command = [str(venv / "bin" / ("python" if python else "annotator")), *args]
        done = subprocess.run(command, cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
        return done.stdout

    where = json.loads(run("-c", "import json, annotator, annotator.package_data as d; "
                           "print(json.dumps([annotator.__file__, str(d.scheme_file())]))", python=True))
    for path in where:
        assert Path(path).is_relative_to(venv), where

    assert "0.1.0" in run("--version")
    (elsewhere / "article.txt").write_text("Hwang Joon-kook said 40% of the money came from hacking.\n")
    (elsewhere / "tagged.jsonl").write_text(json.dumps({
        "id": "d1", "text": "Hwang said so.", "annotator": "bob",
        "spans": [{"id": "s1", "start": 0, "end": 5, "label": "SPEAKER", "text": "Hwang"}]}) + "\n")
    run("import", "article.txt", "tagged.jsonl", "--db", "p.annotator.db")
    exported = [json.loads(line) for line in run("export", "--db", "p.annotator.db").splitlines()]
    assert [span["label"] for item in exported for span in item["spans"]] == ["SPEAKER"]

    scheme = json.loads(run("-c", "import json; from annotator.project import open_project; "
                            "s = open_project('p.annotator.db'); "
                            "print(json.dumps([[l.name, l.color] for l in s.label_scheme()]))", python=True))
    shipped = json.loads((ROOT / "resources" / "labels.json").read_text())["labels"]
    assert scheme == [[label["name"], label["color"]] for label in shipped]

    seeded = run("-c", "from annotator.project import open_default_project; s = open_default_project(); "
                 "print(s.document_count(), *sorted(s.document_ids()))", python=True).split()
    assert seeded == ["2", *(name[:-4] for name in SEED_NAMES)]
    assert sorted(p.name for p in elsewhere.iterdir()) == ["article.txt", "p.annotator.db", "tagged.jsonl"]
