"""Serves the JupyterLab front end in ./build with Debian's jupyterlab_server and jupyter_server.

After JupyterLab's examples/app/main.py (v4.6). Started by `make e2e-lab` (e2e/lab.ts) as
    python3 main.py --ServerApp.port=... --ServerApp.root_dir=... --E2ELabApp.app_settings_dir=...
Settings (app_settings_dir holds the test's overrides.json), user settings and workspaces live in
the caller's temporary folder, never in the repository; they are configurable traits, so they are
not set as class attributes here (a class attribute would silently shadow the command line).
"""

import json
import os

from jupyterlab_server import LabServerApp

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(HERE, "build")

# Configuration files on disk (a user's ~/.jupyter) must not change what the test sees.
os.environ["JUPYTER_NO_CONFIG"] = "1"

with open(os.path.join(HERE, "package.json")) as fid:
    version = json.load(fid)["dependencies"]["@jupyterlab/application"]


def _jupyter_server_extension_points():
    return [{"module": __name__, "app": E2ELabApp}]


class E2ELabApp(LabServerApp):
    extension_url = "/lab"
    default_url = "/lab"
    name = __name__
    load_other_extensions = False
    app_name = "JupyterLab (linear-studies e2e)"
    app_version = version
    schemas_dir = os.path.join(BUILD, "schemas")
    static_dir = BUILD
    templates_dir = os.path.join(HERE, "templates")
    themes_dir = os.path.join(BUILD, "themes")

    def initialize_settings(self):
        super().initialize_settings()
        self.serverapp.web_app.settings["terminals_available"] = False


if __name__ == "__main__":
    E2ELabApp.launch_instance()
