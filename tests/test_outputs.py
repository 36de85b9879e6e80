"""Outputs: checked before the work, written atomically, never half-written (issue 10, items
7, 12 and 13).

Measured before: an output under a file, in a folder nobody may write, or a ``demo --out``
naming a file gave a traceback, and only after the whole run; a full disk gave a traceback;
every output file was mode 0600 whatever the umask; a symlink at the output path was replaced
by a file; ``match --transform`` could overwrite the transform's own data; SIGTERM during a
write left an orphan ``*.tmp``.

Faults are real: a read-only or 64 KiB tmpfs mounted for the test when the test runs as root
and may mount (CI does), else a folder without write permission and a file-size limit
(``RLIMIT_FSIZE``) on the writing process; signals are sent to a real writing process.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import gx_findmatches
import numpy as np
import pandas as pd
import pytest
from gx_findmatches import DataFileError, FindMatches, read_table, write_table
from gx_findmatches.cli import main
from gx_findmatches.datasets.febrl import PRIMARY_KEY
from gx_findmatches.outputs import remove_stale_temporaries

PACKAGE_ROOT = str(Path(gx_findmatches.__file__).resolve().parents[1])
SMALL_DISK = 64 * 1024


@pytest.fixture(scope="module")
def data_file(febrl3: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """600 FEBRL3 records as CSV: a match output of about 80 KiB, more than the small disk."""
    path = tmp_path_factory.mktemp("outputs") / "people.csv"
    febrl3.head(600).to_csv(path, index=False)
    return path


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _mount_tmpfs(folder: Path, options: str) -> bool:
    """Mount a tmpfs on ``folder`` when this process may (root with mount rights)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True
    )
    return done.returncode == 0


def _unmount(folder: Path) -> None:
    subprocess.run(["umount", str(folder)], check=True)


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder this process cannot write: a read-only tmpfs (root), else mode 0555; as root
    without mount rights, /sys (sysfs takes no new files, not even from root)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if _mount_tmpfs(folder, "ro,size=64k"):
        yield folder
        _unmount(folder)
    elif os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
    else:
        yield Path("/sys")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[tuple[Path, Callable[[], None] | None]]:
    """A folder whose disk fills up after 64 KiB: a tmpfs of that size when possible, else a
    plain folder and a file-size limit for the writing process (Python ignores SIGXFSZ, so
    the write fails with EFBIG instead of killing the process)."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    if _mount_tmpfs(folder, f"size={SMALL_DISK}"):
        yield folder, None
        _unmount(folder)
        return

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (SMALL_DISK, SMALL_DISK))

    yield folder, limit


def _python(code: str, *args: str, **options: object) -> subprocess.Popen[str]:
    """A fresh Python process importing this package."""
    env = {**os.environ, "PYTHONPATH": PACKAGE_ROOT, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **options,  # type: ignore[call-overload]
    )


# ------------------------------------------------------------- checked before any work
def test_out_under_a_file_is_refused_before_the_run(
    data_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "results"
    blocker.write_text("a file, not a folder")
    out = blocker / "matched.csv"
    code, err = _cli(
        capsys, "match", "--data", str(data_file), "--primary-key", PRIMARY_KEY, "--out", str(out)
    )
    assert code == 2
    assert err.startswith("error: ") and f"{blocker} is a file, not a folder" in err
    assert "fitted on" not in err  # refused before the fit


def test_out_in_an_unwritable_folder_is_refused_before_the_run(
    data_file: Path, read_only_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = read_only_folder / "matched.csv"
    code, err = _cli(
        capsys, "match", "--data", str(data_file), "--primary-key", PRIMARY_KEY, "--out", str(out)
    )
    assert code == 2
    assert err.startswith(f"error: cannot write --out {out}")
    assert "choose a folder you can write to" in err
    assert "fitted on" not in err


def test_demo_out_naming_a_file_is_refused_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = tmp_path / "notes.txt"
    existing.write_text("keep me")
    started = time.perf_counter()
    code, err = _cli(capsys, "demo", "--out", str(existing))
    assert code == 2
    assert err.startswith(f"error: --out {existing} is a file, not a folder")
    assert existing.read_text() == "keep me"
    assert time.perf_counter() - started < 5  # the demo itself runs for tens of seconds


def test_out_naming_a_stored_transforms_data_is_refused(
    data_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "people.csv"
    shutil.copy(data_file, data)
    before = data.read_bytes()
    store = ["--store", f"sqlite:///{tmp_path / 'fm.db'}"]
    create = ["transform", "create", "people", "--data", str(data), "--primary-key", PRIMARY_KEY]
    assert _cli(capsys, *create, *store)[0] == 0
    assert _cli(capsys, "train", "people", *store)[0] == 0
    code, err = _cli(capsys, "match", "--transform", "people", "--out", str(data), *store)
    assert code == 2
    assert "--out and the transform's --data name the same file" in err
    assert data.read_bytes() == before


# ------------------------------------------------------------------------ writing faults
def test_disk_full_during_the_write_keeps_the_previous_output(
    data_file: Path, small_disk: tuple[Path, Callable[[], None] | None]
) -> None:
    folder, limit = small_disk
    out = folder / "matched.csv"
    out.write_text("the previous output\n")
    argv = ["match", "--data", str(data_file), "--primary-key", PRIMARY_KEY, "--out", str(out)]
    run = _python(
        "import sys; from gx_findmatches.cli import main; sys.exit(main(sys.argv[1:]))",
        *argv,
        "--quiet",
        preexec_fn=limit,
    )
    _, err = run.communicate(timeout=300)
    assert run.returncode == 2, err
    assert err.startswith(f"error: cannot write {out}")
    assert "No space left on device" in err or "File too large" in err
    assert out.read_text() == "the previous output\n"
    assert _temporaries(folder) == []


def test_sigterm_during_the_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    out = tmp_path / "big.csv"
    out.write_text("the previous output\n")
    writer = _python(
        "import sys, numpy as np, pandas as pd; from gx_findmatches import write_table; "
        "n = 4_000_000; write_table(pd.DataFrame({'a': np.arange(n), 'b': np.arange(n) % 7}),"
        " sys.argv[1])",
        str(out),
    )
    _signal_once_writing(writer, out, signal.SIGTERM)
    writer.communicate(timeout=60)
    assert writer.returncode == 128 + signal.SIGTERM  # SystemExit(143): finally blocks ran
    assert _temporaries(tmp_path) == []
    assert out.read_text() == "the previous output\n"


def test_temporary_file_left_by_kill_9_is_removed_by_the_next_write(tmp_path: Path) -> None:
    out = tmp_path / "big.csv"
    writer = _python(
        "import sys, numpy as np, pandas as pd; from gx_findmatches import write_table; "
        "n = 4_000_000; write_table(pd.DataFrame({'a': np.arange(n)}), sys.argv[1])",
        str(out),
    )
    _signal_once_writing(writer, out, signal.SIGKILL)
    writer.communicate(timeout=60)
    left = _temporaries(tmp_path)
    assert len(left) == 1  # kill -9 cannot be caught: documented in docs/reliability.md
    running = tmp_path / left[0].replace(f".{writer.pid}-", f".{os.getpid()}-")
    running.write_text("a write of a process still running")

    write_table(pd.DataFrame({"a": [1, 2]}), out)

    assert _temporaries(tmp_path) == [running.name]  # a live writer's file is left alone
    assert read_table(out)["a"].tolist() == ["1", "2"]
    assert remove_stale_temporaries(out) == []


def _signal_once_writing(writer: subprocess.Popen[str], out: Path, signum: int) -> None:
    """Send ``signum`` as soon as the writer's temporary file for ``out`` exists."""
    deadline = time.monotonic() + 120
    while not any(name.startswith(f".{out.name}.") for name in _temporaries(out.parent)):
        assert writer.poll() is None, writer.communicate()
        assert time.monotonic() < deadline, "the writer never started writing"
        time.sleep(0.005)
    writer.send_signal(signum)


# --------------------------------------------------------------------- what is written
@pytest.fixture(scope="module")
def fitted(febrl3: pd.DataFrame) -> FindMatches:
    return FindMatches(primary_key=PRIMARY_KEY).fit(febrl3.head(300))


def _write(kind: str, folder: Path, fitted: FindMatches) -> Path:
    """One output of each kind the package writes: a table (CSV or Parquet), a model file."""
    frame = pd.DataFrame({"id": ["a", "b", "c"], "match_id": [0, 0, 2]})
    if kind == "model":
        return fitted.save(folder / "model.json")
    return write_table(frame, folder / f"out.{kind}")


@pytest.mark.parametrize("kind", ["csv", "parquet", "model"])
def test_new_output_files_follow_the_umask(tmp_path: Path, kind: str, fitted: FindMatches) -> None:
    previous = os.umask(0o022)
    try:
        written = _write(kind, tmp_path, fitted)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(written.stat().st_mode) == 0o644


@pytest.mark.parametrize("kind", ["csv", "model"])
def test_replacing_an_output_keeps_its_mode(tmp_path: Path, kind: str, fitted: FindMatches) -> None:
    first = _write(kind, tmp_path, fitted)
    first.chmod(0o640)
    again = _write(kind, tmp_path, fitted)
    assert again == first and stat.S_IMODE(again.stat().st_mode) == 0o640


def test_symlink_at_the_output_path_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "shared" / "latest.csv"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "latest.csv"
    link.symlink_to(real)
    frame = pd.DataFrame({"match_id": np.arange(3)})

    assert write_table(frame, link) == real
    assert link.is_symlink() and link.resolve() == real
    assert read_table(link)["match_id"].tolist() == ["0", "1", "2"]
    assert _temporaries(tmp_path) == [] and _temporaries(real.parent) == []


def test_write_failure_is_a_data_file_error_naming_the_fix(read_only_folder: Path) -> None:
    with pytest.raises(DataFileError, match="choose a folder you can write to"):
        write_table(pd.DataFrame({"a": [1]}), read_only_folder / "out.csv")
