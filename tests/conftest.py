import os
from pathlib import Path

import pytest

# ../shared/data beside the repository, or where CHARTE_SHARED_DATA says (a git worktree elsewhere)
SHARED_DATA = Path(os.environ.get("CHARTE_SHARED_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data"))


def shared_data(*parts: str) -> Path:
    """A file of ../shared/data, or a skip saying why the test cannot run here."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available at {path} (../shared/data is outside the repository)")
    return path
