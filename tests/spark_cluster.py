"""A real Spark standalone cluster on loopback for the ``spark`` tests: one master, one worker.

Started from the pyspark distribution (``spark-class org.apache.spark.deploy.master.Master`` and
``…worker.Worker``) on free ports of 127.0.0.1 with small memory, reached at
``spark://127.0.0.1:PORT`` (not ``local[*]``: the driver, the master and the executor are three
JVMs that talk over the network as on a real cluster). Each daemon runs in its own process group,
so stopping one also stops what it launched (the worker's executor), and :meth:`SparkCluster.stop`
runs even when a test fails.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

START_TIMEOUT_S = 300  # JVM start-up on a loaded 2-core machine; a hung start fails, it does not wait forever


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent


@dataclass
class SparkCluster:
    """Master and worker processes; ``master_url`` is what a driver connects to."""

    folder: Path
    port: int = field(default_factory=free_port)
    master: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None
    workers_started: int = 0
    master_opts: str = ""  # SPARK_MASTER_OPTS, e.g. "-Dspark.deploy.maxExecutorRetries=3"

    @property
    def master_url(self) -> str:
        return f"spark://127.0.0.1:{self.port}"

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({"SPARK_HOME": str(spark_home()), "SPARK_LOCAL_IP": "127.0.0.1", "SPARK_DAEMON_MEMORY": "256m",
                    "SPARK_LOG_DIR": str(self.folder / "logs"), "SPARK_WORKER_DIR": str(self.folder / "work"),
                    "PYSPARK_PYTHON": sys.executable, "SPARK_MASTER_OPTS": self.master_opts})
        return env

    def _launch(self, name: str, args: list[str], ready: str) -> subprocess.Popen[bytes]:
        log = self.folder / f"{name}.log"
        handle = log.open("wb")
        process = subprocess.Popen([str(spark_home() / "bin" / "spark-class"), *args], stdout=handle,
                                   stderr=subprocess.STDOUT, env=self._env(), start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT_S
        while ready not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                self._kill(process)
                raise RuntimeError(f"Spark {name} did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.5)
        return process

    def start(self) -> SparkCluster:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.master = self._launch("master", ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                                              "--port", str(self.port), "--webui-port", str(free_port())],
                                   "I have been elected leader")
        self.start_worker()
        return self

    def start_worker(self) -> None:
        """A worker with one core and 1 GiB for executors, registered with the master."""
        self.workers_started += 1
        self.worker = self._launch(f"worker-{self.workers_started}", [
            "org.apache.spark.deploy.worker.Worker", self.master_url, "--host", "127.0.0.1", "--port",
            str(free_port()), "--webui-port", str(free_port()), "--cores", "1", "--memory", "1g",
            "--work-dir", str(self.folder / "work")], "Successfully registered with master")

    def kill_worker(self) -> None:
        """The worker dies with its executor, as a machine lost mid-job (SIGKILL: no clean shutdown)."""
        if self.worker is not None:
            self._kill(self.worker)
            self.worker = None

    @staticmethod
    def _kill(process: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)

    def stop(self) -> None:
        for process in (self.worker, self.master):
            if process is not None:
                self._kill(process)
        self.worker = self.master = None


def java_available() -> bool:
    return shutil.which("java") is not None or bool(os.environ.get("JAVA_HOME"))
