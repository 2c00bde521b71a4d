"""The registry of graded tasks, one module per chapter.

A chapter's checks may use only learntorch and earlier chapters' modules, so a student who
works through the course in order never meets a check that relies on something unseen.
"""
from . import ch01, ch02, ch03, ch04, ch05, ch06

TASKS = {task.id: task for chapter in (ch01, ch02, ch03, ch04, ch05, ch06) for task in chapter.TASKS}


def chapter_tasks(chapter):
    """The tasks of one chapter, in course order."""
    return [task for task in TASKS.values() if task.chapter == chapter]
