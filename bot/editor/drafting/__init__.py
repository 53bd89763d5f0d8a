"""Drafts and publishing: edits, review, diffs, conflicts, preview, snapshots, versions,
replica sync."""
