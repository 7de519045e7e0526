"""``python -m charte …``, and the file ``spark-submit`` runs (it runs Python programs given as ``.py`` files)."""

from charte.cli import app

if __name__ == "__main__":
    app(prog_name="charte")
