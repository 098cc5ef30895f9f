"""A local class on JupyterHub: `make hub` (python hub/classroom.py) and tests/test_hub.py.

`Classroom` creates local system users (one instructor, N students; a unique prefix), a
state folder with nbgrader's exchange (mode 1777) and the jupyter config every single-user
server reads (exchange root, course id), the instructor's course folder (a copy of
solutions/, notebooks/ and nbgrader_config.py in their home), then starts JupyterHub
(hub/jupyterhub_config.py) with configurable-http-proxy from hub/node_modules, all on
127.0.0.1 and free ports. `stop()` stops the hub, its proxy and every server, ends any
process left running as a class user, deletes the users and their homes and the state
folder, and restores any folder mode it changed.

Needs root (useradd, servers started as each user). When the project's interpreter lives in
a folder other users cannot enter (pyenv under /root, mode 0700), `start()` adds o+x
(enter, not list) to those folders for the class's lifetime and restores them in `stop()`.
"""
from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
COURSE_ID = "nn-course"
PROXY = ROOT / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def missing() -> str | None:
    """Why a class cannot run on this machine (None when it can)."""
    if os.name != "posix" or sys.platform != "linux":
        return "a local JupyterHub class needs Linux (system users, LocalProcessSpawner)"
    if os.geteuid() != 0:
        return "a local JupyterHub class needs root (useradd, one server per system user)"
    if not (VENV / "bin" / "jupyterhub-singleuser").exists():
        return "jupyterhub is not installed in .venv (make venv installs the dev extra)"
    if not PROXY.exists():
        return "configurable-http-proxy is not installed (npm ci --prefix hub; .ci/run does this)"
    if not shutil.which("node"):
        return "node is not installed (apt-get install nodejs npm; .ci/run does this)"
    for tool in ("useradd", "userdel", "runuser"):
        if not shutil.which(tool):
            return f"{tool} is missing"
    return None


class Classroom:
    def __init__(self, students: tuple[str, ...] = ("ana", "ben"), prefix: str | None = None,
                 port: int | None = None, log=None):
        self.prefix = prefix or f"nn{secrets.token_hex(2)}"
        self.admin = f"{self.prefix}-teacher"
        self.students = [f"{self.prefix}-{s}" for s in students]
        self.password = secrets.token_urlsafe(9)
        self.token = secrets.token_hex(24)
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.state: Path | None = None
        self.proc: subprocess.Popen | None = None
        self.created_users: list[str] = []
        self.modes: dict[Path, int] = {}
        self.log_path: Path | None = None
        self.log = log or (lambda *a: None)

    # ---- set-up ----------------------------------------------------------------------
    @property
    def users(self) -> list[str]:
        return [self.admin, *self.students]

    def home(self, user: str) -> Path:
        return Path(pwd.getpwnam(user).pw_dir)

    @property
    def course(self) -> Path:
        return self.home(self.admin) / "nn-course"

    @property
    def exchange(self) -> Path:
        return self.state / "exchange"

    def _open_path_to_interpreter(self) -> None:
        """o+x on every folder above the interpreter and the repository that others cannot enter."""
        targets = [Path(os.path.realpath(VENV / "bin" / "python")), ROOT / ".venv" / "bin"]
        for target in targets:
            for folder in target.parents:
                mode = folder.stat().st_mode
                if not mode & stat.S_IXOTH and folder not in self.modes:
                    self.modes[folder] = stat.S_IMODE(mode)
                    folder.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)

    def setup(self) -> None:
        self.state = Path(tempfile.mkdtemp(prefix="nnhub-"))
        self.state.chmod(0o755)
        for user in self.users:
            subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", user], check=True)
            self.created_users.append(user)
            self.home(user).chmod(0o700)
        self._open_path_to_interpreter()
        self.exchange.mkdir()
        self.exchange.chmod(0o1777)
        jupyter = self.state / "jupyter"
        jupyter.mkdir()
        (jupyter / "nbgrader_config.py").write_text(
            "c = get_config()\n"
            f"c.Exchange.root = {str(self.exchange)!r}\n"
            f"c.CourseDirectory.course_id = {COURSE_ID!r}\n")
        jupyter.chmod(0o755)
        (jupyter / "nbgrader_config.py").chmod(0o644)
        # the instructor's course folder: the course repository's nbgrader parts
        course = self.course
        course.mkdir()
        for name in ("solutions", "notebooks"):
            shutil.copytree(ROOT / name, course / name,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
        (course / ".grading").mkdir()          # the gradebook's folder (nbgrader_config.py)
        subprocess.run(["chown", "-R", f"{self.admin}:{self.admin}", str(course)], check=True)

    def start(self, timeout: float = 120) -> None:
        self.log_path = self.state / "jupyterhub.log"
        env = dict(os.environ, NNHUB_STATE=str(self.state), NNHUB_ADMIN=self.admin,
                   NNHUB_STUDENTS=",".join(self.students), NNHUB_PASSWORD=self.password,
                   NNHUB_PORT=str(self.port), NNHUB_HUB_PORT=str(_free_port()),
                   NNHUB_API_PORT=str(_free_port()), NNHUB_API_TOKEN=self.token,
                   PATH=f"{VENV / 'bin'}:{os.environ.get('PATH', '')}")
        with self.log_path.open("w") as log:
            self.proc = subprocess.Popen(
                [str(VENV / "bin" / "jupyterhub"), "-f", str(ROOT / "hub" / "jupyterhub_config.py")],
                cwd=self.state, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.api("GET", "/")
                return
            except (OSError, urllib.error.HTTPError):
                if self.proc.poll() is not None:
                    raise RuntimeError("JupyterHub exited:\n" + self.log_path.read_text()[-3000:])
                time.sleep(0.5)
        raise RuntimeError("JupyterHub did not answer in time:\n" + self.log_path.read_text()[-3000:])

    # ---- the hub's REST API ----------------------------------------------------------
    def api(self, method: str, path: str, body=None, token: str | None = None, timeout=60):
        """A call to the hub's REST API (/hub/api...), JSON in and out."""
        return self.http(method, f"/hub/api{path}", body, token or self.token, timeout)

    def http(self, method: str, path: str, body=None, token: str | None = None, timeout=60):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Authorization", f"token {token or self.token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            text = resp.read().decode()
        try:
            return json.loads(text) if text else None
        except json.JSONDecodeError:
            return text

    def start_server(self, user: str, timeout: float = 180) -> None:
        try:
            self.api("POST", f"/users/{user}/server")
        except urllib.error.HTTPError as exc:
            if exc.code not in (201, 202, 400):
                raise
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            info = self.api("GET", f"/users/{user}")
            server = (info.get("servers") or {}).get("")
            if server and server.get("ready"):
                return
            time.sleep(0.5)
        raise RuntimeError(f"{user}'s server did not start:\n" + self.log_path.read_text()[-3000:])

    def user_token(self, user: str) -> str:
        return self.api("POST", f"/users/{user}/tokens", {"note": "course test", "expires_in": 3600})["token"]

    def as_user(self, user: str, *cmd: str, cwd: Path | None = None, env: dict | None = None,
                timeout: float = 600) -> subprocess.CompletedProcess:
        """Run a command as a class user, in their home (or cwd), with the class's config."""
        home = self.home(user)
        base = {"HOME": str(home), "USER": user, "LOGNAME": user,
                "PATH": f"{VENV / 'bin'}:/usr/local/bin:/usr/bin:/bin",
                "JUPYTER_CONFIG_PATH": str(self.state / "jupyter"), "PYTHONWARNINGS": "ignore"}
        base.update(env or {})
        return subprocess.run(["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups",
                               "--", *cmd], cwd=cwd or home, env=base, capture_output=True,
                              text=True, timeout=timeout)

    # ---- tear-down -------------------------------------------------------------------
    def user_pids(self) -> list[int]:
        uids = set()
        for user in self.created_users:
            try:
                uids.add(pwd.getpwnam(user).pw_uid)
            except KeyError:
                pass
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if entry.stat().st_uid in uids:
                        pids.append(int(entry.name))
                except OSError:
                    pass
        return pids

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)       # cleanup_servers: stops servers and proxy
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        if self.proc is not None:
            try:                                          # the proxy, if the hub left it
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for pid in self.user_pids():                     # anything a class user left behind
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for user in self.created_users:
            subprocess.run(["userdel", "--remove", user], capture_output=True)
            subprocess.run(["rm", "-rf", f"/home/{user}", f"/var/mail/{user}"])
        self.created_users = []
        for folder, mode in self.modes.items():
            folder.chmod(mode)
        self.modes = {}
        if self.state is not None:
            shutil.rmtree(self.state, ignore_errors=True)


def main() -> int:
    """`make hub`: a demo class until Ctrl-C."""
    why = missing()
    if why:
        print(f"make hub: {why}", file=sys.stderr)
        return 2
    port = int(os.environ.get("HUB_PORT", "8000"))
    try:
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))
    except OSError:
        port = _free_port()
    room = Classroom(port=port)
    try:
        room.setup()
        room.start()
        r = room.as_user(room.admin, str(VENV / "bin" / "nbgrader"), "release_assignment",
                         "01_gradient_descent", cwd=room.course)
        released = "released 01_gradient_descent" if r.returncode == 0 else "release failed: " + r.stderr[-300:]
        print(f"\nThe course's JupyterHub is up: {room.url}   ({released})")
        print(f"  instructor: {room.admin:<20} password {room.password}  (course folder ~/nn-course)")
        for s in room.students:
            print(f"  student:    {s:<20} password {room.password}")
        print("Students: log in, Nbgrader > Assignment List, Fetch, open, work, Validate, Submit.")
        print("Instructor: a terminal in ~/nn-course: nbgrader collect 01_gradient_descent; "
              "python -m nnlib.course grade .grading/submitted -a 01 ...; see the README.")
        print("Ctrl-C stops the hub and removes the demo users and their files.")
        while room.proc.poll() is None:
            time.sleep(1)
        print("JupyterHub exited:\n" + room.log_path.read_text()[-2000:], file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping ...")
        return 0
    finally:
        room.stop()


if __name__ == "__main__":
    sys.exit(main())
