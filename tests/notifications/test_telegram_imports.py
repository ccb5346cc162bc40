"""notifications.telegram must not import notifications.tasks (issue 11).

The tasks are the Celery entry points and call into the bot's module; the bot
is handed the enqueueing as `reply`. An import back, even one inside a function
to dodge the circle at load time, makes the two modules depend on each other.
"""

import ast
from pathlib import Path

import notifications.tasks
import notifications.telegram


def _imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, at any depth, written as absolute dotted names."""
    package = "notifications"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level == 1:
                # `from .x import y` / `from . import y`: the file is in the package.
                base = f"{package}.{base}" if base else package
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _imports_tasks(path: Path) -> bool:
    return any(
        name == "notifications.tasks" or name.startswith("notifications.tasks.")
        for name in _imported_modules(path)
    )


def test_the_bot_module_does_not_import_the_tasks():
    assert not _imports_tasks(Path(notifications.telegram.__file__))


def test_the_tasks_import_the_bot_module_and_the_check_sees_it():
    # Positive control: the walk finds a relative, top-level import the other way.
    tasks = Path(notifications.tasks.__file__)
    assert "notifications.telegram" in _imported_modules(tasks)


def test_the_check_sees_an_import_hidden_inside_a_function(tmp_path):
    # Positive control for the case this guards against: the lazy import that was there.
    module = tmp_path / "telegram.py"
    module.write_text(
        "def _reply(chat_id, text):\n"
        "    from .tasks import telegram_reply\n"
        "    telegram_reply.delay(chat_id, text)\n"
    )
    assert _imports_tasks(module)
    module.write_text("def _reply():\n    from . import tasks\n")
    assert _imports_tasks(module)
    module.write_text("def _reply():\n    import notifications.tasks\n")
    assert _imports_tasks(module)
