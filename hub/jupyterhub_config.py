"""JupyterHub for this course: `make hub` (a local demo class) and tests/test_hub.py.

Everything comes from environment variables that hub/run.py (or the test) sets:

NNHUB_ADMIN        the instructor's user name (a local system user; hub admin)
NNHUB_STUDENTS     comma-separated student user names (local system users)
NNHUB_PASSWORD     the demo password of every account (DummyAuthenticator)
NNHUB_STATE        a folder for the hub's database, cookie secret and the jupyter config
                   that every single-user server reads (nbgrader's exchange and course id)
NNHUB_PORT, NNHUB_HUB_PORT, NNHUB_API_PORT   free ports on 127.0.0.1

Every user's server is `jupyterhub-singleuser` from the project's pinned .venv, started as
that user (LocalProcessSpawner) in their home folder: students and the grader run the same
interpreter, packages and nnlib. For a real class replace the DummyAuthenticator (PAM,
OAuth, LTI), put TLS in front, and set per-user limits (a systemd or container spawner).
"""
import os
from pathlib import Path

c = get_config()  # noqa: F821 (provided by JupyterHub)

ROOT = Path(__file__).resolve().parents[1]
STATE = Path(os.environ["NNHUB_STATE"])
admin = os.environ["NNHUB_ADMIN"]
students = [s for s in os.environ.get("NNHUB_STUDENTS", "").split(",") if s]

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ["NNHUB_PORT"])
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["NNHUB_HUB_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['NNHUB_API_PORT']}"
c.ConfigurableHTTPProxy.command = [str(ROOT / "hub" / "node_modules" / ".bin" / "configurable-http-proxy")]
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = os.environ["NNHUB_PASSWORD"]
c.Authenticator.allowed_users = set(students) | {admin}
c.Authenticator.admin_users = {admin}
# A service token for the test and run.py (created users, started servers, API calls).
if os.environ.get("NNHUB_API_TOKEN"):
    c.JupyterHub.services = [{"name": "course-admin", "api_token": os.environ["NNHUB_API_TOKEN"]}]
    c.JupyterHub.load_roles = [{"name": "course-admin", "services": ["course-admin"],
                                "scopes": ["admin:users", "admin:servers", "tokens",
                                           "access:servers", "list:users", "read:users"]}]

c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(ROOT / ".venv" / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
# Every server reads STATE/jupyter/nbgrader_config.py: the exchange root and the course id.
c.Spawner.environment = {
    "JUPYTER_CONFIG_PATH": str(STATE / "jupyter"),
    "PATH": f"{ROOT / '.venv' / 'bin'}:/usr/local/bin:/usr/bin:/bin",
    "PYTHONWARNINGS": "ignore",
}
