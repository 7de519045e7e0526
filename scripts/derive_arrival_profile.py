"""Regenerate src/charte/demo/bank_calls_2003_profile.json from ../shared/data/bank-calls-2003."""

from pathlib import Path

from charte.demo.arrival_profile import PROFILE_FILE, derive, to_json

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "data" / "bank-calls-2003" / "calls_5min_2003.csv"

if __name__ == "__main__":
    profile = derive(SOURCE)
    target = ROOT / "src" / "charte" / "demo" / PROFILE_FILE
    target.write_text(to_json(profile) + "\n")
    print(f"{target}: {profile.days_used} days, weekday levels {profile.level.round(3).tolist()}")
