"""Chapter 4, optim: the graded tasks (filled in by the chapter's author)."""

TASKS = []
