"""The registry of graded tasks, one module per chapter.

A chapter's checks may use only learntorch and earlier chapters' modules, so a student who
works through the course in order never meets a check that relies on something unseen.
"""
from . import ch01, ch02, ch03

TASKS = {task.id: task for task in ch01.TASKS + ch02.TASKS + ch03.TASKS}


def chapter_tasks(chapter):
    """The tasks of one chapter, in course order."""
    return [task for task in TASKS.values() if task.chapter == chapter]
