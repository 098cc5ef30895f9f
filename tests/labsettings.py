"""JupyterLab user settings the browser tests share: every cell rendered (no windowing, so
outputs off screen stay in the page) and no news pop-up over the notebook."""
from pathlib import Path

SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": '{"windowingMode": "none"}',
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": '{"fetchNews": "false"}',
}


def write_lab_settings(folder: Path) -> Path:
    """Write the settings under ``folder`` (JupyterLab's user-settings directory); return it."""
    for rel, text in SETTINGS.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    return folder
