"""The knowledge editor: drafts, review, versions, conflicts, learning from users, import/export.

Where the live knowledge lives: the database holds every published version as a full snapshot
(questions, disabled questions, diagnosis trees and the files they depend on) plus its diff
against the previous version. At start the newest version wins over ``KEFU_KNOWLEDGE_DIR``; the
files seed version 1 (and a new version when they change while nobody has published from the
editor). Edits go into drafts; a reviewer approves and publishes; publishing swaps the live
matcher index in well under a second. The files stay the exchange format (import/export).
See docs/editor.md.
"""
