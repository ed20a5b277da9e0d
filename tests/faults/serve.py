"""`python -m tests.faults.serve PORT`: dsar as a real server process, from DSAR_* variables.

What `dsar run` serves (werkzeug, threaded), with the form's CSRF token off (a test posts
without first reading the form) and nothing else changed: a test can SIGKILL it.
"""

from __future__ import annotations

import sys

from werkzeug.serving import run_simple

from dsar import create_app


def main(port: int) -> None:
    app = create_app()
    app.config["WTF_CSRF_ENABLED"] = False
    run_simple("127.0.0.1", port, app, threaded=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))
