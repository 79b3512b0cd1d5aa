"""Render the hook reference of docs/plugins.md from the hookspec docstrings (``make docs``).

The docstrings in ``core/hookspecs.py`` are the plugin authors' manual; this
module only turns them into Markdown between two markers, so a hook is never
documented twice. ``python -m core.hookdocs [docs/plugins.md]`` rewrites the file.
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from core import PROJECT_NAME, hookspecs

BEGIN = (
    "<!-- hook reference: generated from core/hookspecs.py by `make docs`;"
    " edit the docstrings there, not this -->"
)
END = "<!-- end of the hook reference -->"
# The examples are the docstrings' own, as written there: keep `ruff format` (which formats
# Python blocks in Markdown) from rewriting them into something the docstrings do not say.
FORMATTER_OFF, FORMATTER_ON = "<!-- fmt: off -->", "<!-- fmt: on -->"
BANNER = re.compile(r"^# --- (?P<title>.+?) -+$")
ARGUMENT = re.compile(r"^(?P<name>\w+): (?P<text>.*)$")
ANSWERS = {
    "first": "the first answer that is not None wins (`firstresult`)",
    "every": "every plugin's answer counts",
    "event": "nothing: an event every plugin hears",
}


@dataclass(frozen=True)
class HookDoc:
    name: str
    group: str
    signature: str
    answers: str
    docstring: str

    @property
    def summary(self) -> str:
        """The docstring's first sentence, ready for a Markdown table's cell."""
        paragraph = " ".join(self.docstring.split("\n\n")[0].split())
        sentence = re.split(r"(?<=\.)\s", paragraph, maxsplit=1)[0]
        return inline(sentence).replace("|", "\\|")


def hook_docs() -> list[HookDoc]:
    """Every hookspec, in the order and under the banners of ``core/hookspecs.py``."""
    source = inspect.getsource(hookspecs)
    banners = [
        (number, found["title"])
        for number, line in enumerate(source.splitlines(), start=1)
        if (found := BANNER.match(line))
    ]
    documented = []
    for node in ast.parse(source).body:
        spec = getattr(hookspecs, getattr(node, "name", ""), None)
        if not isinstance(node, ast.FunctionDef) or not hasattr(spec, f"{PROJECT_NAME}_spec"):
            continue
        group = [title for number, title in banners if number < node.lineno][-1]
        returns = ast.unparse(node.returns) if node.returns else "None"
        options = getattr(spec, f"{PROJECT_NAME}_spec")
        kind = "first" if options["firstresult"] else "event" if returns == "None" else "every"
        documented.append(
            HookDoc(
                name=node.name,
                group=group[0].upper() + group[1:],
                signature=f"def {node.name}({ast.unparse(node.args)}) -> {returns}",
                answers=kind,
                docstring=inspect.getdoc(spec) or "",
            )
        )
    return documented


def inline(text: str) -> str:
    """reStructuredText's ``literals`` as Markdown's `code`."""
    return re.sub(r"``(.+?)``", r"`\1`", text)


def markdown(docstring: str) -> str:
    """A hookspec docstring as Markdown: literal blocks (``::``) fenced, arguments listed."""
    lines, output = docstring.splitlines(), []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not (line.endswith("::") or line == "Arguments:"):
            output.append(inline(line))
            continue
        block_end = index
        while block_end < len(lines) and (
            not lines[block_end].strip() or lines[block_end].startswith("    ")
        ):
            block_end += 1
        block = textwrap.dedent("\n".join(lines[index:block_end])).strip("\n")
        if line == "Arguments:":
            output += [line, "", *argument_list(block), ""]
        else:
            output += [inline(line[:-1]), "", "```python", block, "```", ""]
        index = block_end
    return "\n".join(output).strip() + "\n"


def argument_list(block: str) -> list[str]:
    """``name: what it is`` lines (continued by deeper indentation) as a Markdown list."""
    items: list[str] = []
    for line in block.splitlines():
        found = ARGUMENT.match(line)
        if found:
            items.append(f"- `{found['name']}`: {inline(found['text'])}")
        elif line.strip():
            items[-1] += " " + inline(line.strip())
    return items


def render_reference() -> str:
    """The hook reference: the spec module's own preamble, a table of every hook, then each
    hook under its banner."""
    hooks = hook_docs()
    preamble = (inspect.getdoc(hookspecs) or "").partition("\n\n")[2]
    parts = [
        markdown(preamble),
        "| hook | what comes back | for |",
        "|---|---|---|",
        *(
            f"| [`{hook.name}`](#{hook.name}) | {ANSWERS[hook.answers]} | {hook.summary} |"
            for hook in hooks
        ),
    ]
    group = None
    for hook in hooks:
        if hook.group != group:
            group = hook.group
            parts += ["", f"### {group}"]
        parts += [
            "",
            f"#### `{hook.name}`",
            "",
            "```python",
            hook.signature,
            "```",
            "",
            f"What comes back: {ANSWERS[hook.answers]}.",
            "",
            markdown(hook.docstring).rstrip("\n"),
        ]
    return "\n".join(parts) + "\n"


def updated(document: str) -> str:
    """The document with the text between its two markers replaced by a fresh reference."""
    head, begin, rest = document.partition(BEGIN)
    _, end, tail = rest.partition(END)
    if not begin or not end:
        raise ValueError(f"the document lacks the markers {BEGIN!r} and {END!r}")
    reference = render_reference()
    return f"{head}{BEGIN}\n{FORMATTER_OFF}\n\n{reference}\n{FORMATTER_ON}\n{END}{tail}"


def main(arguments: list[str]) -> int:
    path = Path(arguments[0] if arguments else "docs/plugins.md")
    document = path.read_text(encoding="utf-8")
    fresh = updated(document)
    if fresh != document:
        path.write_text(fresh, encoding="utf-8")
    print(f"{path}: hook reference {'rewritten' if fresh != document else 'up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
