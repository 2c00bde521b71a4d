"""Chapter 6, convolutional networks: the graded tasks (filled in by the chapter's author)."""

TASKS = []
