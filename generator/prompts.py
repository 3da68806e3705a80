"""Interactive questions with questionary, validated as the user types by the same `Question.parse`.

Imported only when prompting, so unattended runs never pay for prompt_toolkit.
"""

from __future__ import annotations

from typing import Any

from .answers import Answers, Ask, Question
from .errors import InputError


def asker(**app_kwargs: Any) -> Ask:
    """An `ask(question, default, answers)` callable; `app_kwargs` (input/output) let tests drive it headless."""
    import questionary

    def ask(question: Question, default: Any, answers: Answers) -> Any:
        message = question.prompt
        instruction = f"({question.help})" if question.help and question.kind not in ("choice", "bool") else None
        try:
            if question.kind == "choice":
                choices = question.allowed(answers)
                prompt = questionary.select(message, choices=choices,
                                            default=default if default in choices else None, **app_kwargs)
            elif question.kind == "bool":
                prompt = questionary.confirm(message, default=bool(default), **app_kwargs)
            else:
                prompt = questionary.text(message, default=question.as_text(default), instruction=instruction,
                                          validate=lambda text: question.check(text, answers), **app_kwargs)
            value = prompt.unsafe_ask()
        except EOFError:
            raise InputError("cannot prompt: standard input is closed or not a terminal; "
                             "run with --no-input and give answers with --answers FILE or --set KEY=VALUE") from None
        return question.parse(value, answers)

    return ask
