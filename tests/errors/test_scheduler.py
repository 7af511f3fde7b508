"""``--scheduler`` / ``[structural] scheduler`` checked before any computation (issue 19):
an address where nothing listens, or where a service that is not a Dask scheduler answers
(a dashboard, a web proxy: Dask's client read its reply as a message length and failed
with a 3 EiB allocation, a traceback, after the first stages had run)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from typer.testing import CliRunner

from skillshore.cli import app
from skillshore.preflight import check_scheduler

runner = CliRunner()


@contextmanager
def fake_server(reply: bytes | None) -> Iterator[str]:
    """A TCP server on a free local port: on each connection it sends ``reply`` at once
    (None: waits for the client to speak and answers like a web server), then closes."""
    srv = socket.create_server(("127.0.0.1", 0))
    srv.settimeout(0.1)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(3)
                try:
                    if reply is None:
                        conn.recv(100)
                        conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
                    else:
                        conn.sendall(reply)
                except OSError:
                    pass

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        yield f"tcp://127.0.0.1:{srv.getsockname()[1]}"
    finally:
        stop.set()
        srv.close()
        t.join(timeout=5)


@pytest.mark.parametrize(
    "reply, needle",
    [
        (None, "no handshake within"),  # a web server waits for a request
        (b"HTTP/1.1 200 OK\r\n\r\n", "check the host and port"),  # absurd message length
        (b"\x05\x00\x00\x00\x00\x00\x00\x00hello", "unexpected handshake"),
        (b"", "closed the connection"),
    ],
    ids=["silent", "http", "other-protocol", "closes"],
)
def test_a_service_that_is_not_dask_is_refused(reply, needle):
    with fake_server(reply) as address:
        why = check_scheduler(address, timeout=1.0)
    assert why is not None and "not as a Dask scheduler" in why and needle in why, why


def test_a_real_scheduler_passes():
    from dask.distributed import LocalCluster

    with LocalCluster(
        n_workers=0, processes=False, dashboard_address=None, protocol="tcp"
    ) as cluster:
        assert check_scheduler(cluster.scheduler_address) is None


@pytest.mark.parametrize("kind", ["nothing-listens", "web-server", "not-an-address"])
def test_cli_scheduler_option_one_line(kind, tiny_economy, tmp_path):
    toml = tiny_economy / "study.toml"

    def run(address: str):
        args = ["run", "--config", str(toml), "--out", str(tmp_path / "out")]
        return runner.invoke(app, [*args, "--scheduler", address])

    if kind == "web-server":
        with fake_server(None) as address:
            res = run(address)
        needle = "answers, but not as a Dask scheduler"
    elif kind == "nothing-listens":
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        res, needle = run(f"tcp://127.0.0.1:{port}"), "cannot reach the Dask scheduler"
    else:
        res, needle = run("nonsense"), "--scheduler 'nonsense': use 'threads'"
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output and needle in res.output, res.output
    assert not (tmp_path / "out").exists()  # refused before any output
