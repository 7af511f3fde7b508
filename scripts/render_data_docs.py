"""Regenerate docs/data.md from the table schemas."""

from pathlib import Path

from skillshore.tables.docs import schemas_markdown

if __name__ == "__main__":
    path = Path(__file__).resolve().parents[1] / "docs" / "data.md"
    path.write_text(schemas_markdown())
    print(f"wrote {path}")
